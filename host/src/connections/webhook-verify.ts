import { createHmac } from 'node:crypto';
import type { WebhookScheme } from '@neonhub/schemas';
import { sameSecret } from '../secrets/index.js';
import { connectionErrors } from './errors.js';

/** Signed timestamps further than this from now are refused (a replay). */
export const WEBHOOK_TOLERANCE_MS = 5 * 60_000;

export interface VerifyInput {
  method: string;
  /** The full URL the provider called (public base + path + query): Twilio and HubSpot sign it. */
  url: string;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string>>;
  /** The raw body, exactly as received. */
  body: string;
  secret: string;
  now: number;
}

const forged = (why: string) => connectionErrors.create('NH_WEBHOOK_SIGNATURE_INVALID', `the webhook signature does not verify: ${why}`);
const stale = (ts: number, now: number) =>
  connectionErrors.create(
    'NH_WEBHOOK_TIMESTAMP_STALE',
    `the webhook's signed timestamp is ${Math.round(Math.abs(now - ts) / 1000)} s from now (more than ${WEBHOOK_TOLERANCE_MS / 60_000} minutes)`,
    { details: { timestamp: new Date(ts).toISOString() } },
  );

const hmac = (secret: string | Buffer, data: string, encoding: 'hex' | 'base64') =>
  createHmac('sha256', secret).update(data, 'utf8').digest(encoding);

function header(input: VerifyInput, name: string): string {
  const v = input.headers[name];
  if (!v) throw forged(`the ${name} header is missing`);
  return v;
}

/** A timestamp header in seconds (or ms for HubSpot) within the tolerance, as epoch ms. */
function fresh(value: string, unit: 's' | 'ms', now: number): number {
  if (!/^\d{1,16}$/.test(value)) throw forged('the timestamp is not a number');
  const ms = unit === 's' ? Number(value) * 1000 : Number(value);
  if (Math.abs(now - ms) > WEBHOOK_TOLERANCE_MS) throw stale(ms, now);
  return ms;
}

/** Svix (Resend): the `svix` package's Webhook.verify (svix-id, svix-timestamp, svix-signature; 5-minute tolerance). */
async function svix(input: VerifyInput) {
  const { Webhook, WebhookVerificationError } = await import('svix');
  const ts = input.headers['svix-timestamp'] ?? input.headers['webhook-timestamp'];
  if (ts) fresh(ts, 's', input.now); // the coded stale answer (svix says the same in prose)
  try {
    new Webhook(input.secret).verify(input.body, { ...input.headers });
  } catch (err) {
    if (err instanceof WebhookVerificationError) throw forged(err.message);
    throw forged(err instanceof Error ? err.message : String(err));
  }
}

/** Twilio: X-Twilio-Signature over the URL and the POST parameters (or the body hash for JSON), by the `twilio` package. */
async function twilio(input: VerifyInput) {
  const signature = header(input, 'x-twilio-signature');
  const webhooks = (await import('twilio/lib/webhooks/webhooks.js')) as unknown as typeof import('twilio/lib/webhooks/webhooks.js');
  const type = input.headers['content-type'] ?? '';
  const ok = type.includes('application/x-www-form-urlencoded')
    ? webhooks.validateRequest(input.secret, signature, input.url, Object.fromEntries(new URLSearchParams(input.body)))
    : new URL(input.url).searchParams.has('bodySHA256')
      ? webhooks.validateRequestWithBody(input.secret, signature, input.url, input.body)
      : webhooks.validateRequest(input.secret, signature, input.url, {});
  if (!ok) throw forged('X-Twilio-Signature does not match the auth token');
}

/** Slack: v0=HMAC-SHA256(signing secret, "v0:<timestamp>:<body>"), X-Slack-Request-Timestamp within 5 minutes. */
function slack(input: VerifyInput) {
  const ts = header(input, 'x-slack-request-timestamp');
  fresh(ts, 's', input.now);
  const want = `v0=${hmac(input.secret, `v0:${ts}:${input.body}`, 'hex')}`;
  if (!sameSecret(header(input, 'x-slack-signature'), want)) throw forged('X-Slack-Signature does not match the signing secret');
}

/** HubSpot v3: base64 HMAC-SHA256(client secret, method + URL + body + timestamp), X-HubSpot-Request-Timestamp (ms) within 5 minutes. */
function hubspotV3(input: VerifyInput) {
  const ts = header(input, 'x-hubspot-request-timestamp');
  fresh(ts, 'ms', input.now);
  const want = hmac(input.secret, `${input.method}${input.url}${input.body}${ts}`, 'base64');
  if (!sameSecret(header(input, 'x-hubspot-signature-v3'), want)) throw forged('X-HubSpot-Signature-v3 does not match the client secret');
}

/** Meta: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256(app secret, body). Meta signs no timestamp. */
function meta(input: VerifyInput) {
  const want = `sha256=${hmac(input.secret, input.body, 'hex')}`;
  if (!sameSecret(header(input, 'x-hub-signature-256'), want)) throw forged('X-Hub-Signature-256 does not match the app secret');
}

/** Stripe: the `stripe` package's signature check of Stripe-Signature (t=<timestamp>,v1=<HMAC-SHA256>), 5-minute tolerance. */
async function stripe(input: VerifyInput) {
  const signature = header(input, 'stripe-signature');
  const ts = /(?:^|,)t=(\d+)/.exec(signature)?.[1];
  if (ts) fresh(ts, 's', input.now); // the coded stale answer (stripe says the same in prose)
  const { default: Stripe } = await import('stripe');
  try {
    await Stripe.webhooks.constructEventAsync(
      input.body,
      signature,
      input.secret,
      WEBHOOK_TOLERANCE_MS / 1000,
      undefined,
      Math.floor(input.now / 1000),
    );
  } catch (err) {
    throw forged(err instanceof Error ? err.message : String(err));
  }
}

/**
 * Generic HMAC (providers without a scheme of their own, and the fakes): X-Signature-Timestamp (unix seconds,
 * within 5 minutes) and X-Signature = "sha256=" + hex HMAC-SHA256(secret, "<timestamp>.<body>").
 */
function hmacSha256(input: VerifyInput) {
  const ts = header(input, 'x-signature-timestamp');
  fresh(ts, 's', input.now);
  const want = `sha256=${hmac(input.secret, `${ts}.${input.body}`, 'hex')}`;
  if (!sameSecret(header(input, 'x-signature'), want)) throw forged('X-Signature does not match the secret');
}

/** Verifies a webhook request by its connector's scheme; throws NH_WEBHOOK_SIGNATURE_INVALID or NH_WEBHOOK_TIMESTAMP_STALE. */
export async function verifyWebhook(scheme: WebhookScheme, input: VerifyInput): Promise<void> {
  switch (scheme) {
    case 'svix':
      return svix(input);
    case 'twilio':
      return twilio(input);
    case 'slack':
      return slack(input);
    case 'hubspot-v3':
      return hubspotV3(input);
    case 'meta':
      return meta(input);
    case 'stripe':
      return stripe(input);
    case 'hmac-sha256':
      return hmacSha256(input);
  }
}

/** Signs a body the way `hmac-sha256` verifies it (for senders such as the fakes, and tests). */
export function signHmacSha256(secret: string, body: string, timestampSeconds: number): Record<string, string> {
  return {
    'x-signature-timestamp': String(timestampSeconds),
    'x-signature': `sha256=${hmac(secret, `${timestampSeconds}.${body}`, 'hex')}`,
  };
}
