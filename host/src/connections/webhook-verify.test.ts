import { createHmac } from 'node:crypto';
import { Webhook } from 'svix';
import webhooks from 'twilio/lib/webhooks/webhooks.js';
import { describe, expect, it } from 'vitest';
import { signHmacSha256, verifyWebhook } from './webhook-verify.js';

/**
 * Each provider's scheme, signed the way the provider signs (svix's own signer, twilio's own expected-signature
 * function, the documented HMACs of Slack, HubSpot v3 and Meta), then forged, altered and replayed late.
 */
const now = Date.now(); // svix checks its tolerance against the real clock
const secs = Math.floor(now / 1000);
const code = (p: Promise<unknown>) => p.then(() => 'ok').catch((e: { code?: string }) => e.code ?? String(e));
const base = { method: 'POST', url: 'https://hub.example.com/hooks/c/00000000-0000-4000-8000-000000000001', now };

describe('webhook schemes', () => {
  it('svix (Resend): verified with the svix package; a forged or stale one is refused', async () => {
    const secret = `whsec_${Buffer.from('resend-signing-secret-32-bytes!!').toString('base64')}`;
    const body = JSON.stringify({ type: 'email.delivered', data: { email_id: 'e1' } });
    const signature = new Webhook(secret).sign('msg_1', new Date(now), body);
    const headers = { 'svix-id': 'msg_1', 'svix-timestamp': String(secs), 'svix-signature': signature };
    expect(await code(verifyWebhook('svix', { ...base, headers, body, secret }))).toBe('ok');
    expect(await code(verifyWebhook('svix', { ...base, headers, body: `${body} `, secret }))).toBe('NH_WEBHOOK_SIGNATURE_INVALID');
    const other = `whsec_${Buffer.from('another-secret-of-32-bytes-long!').toString('base64')}`;
    expect(await code(verifyWebhook('svix', { ...base, headers, body, secret: other }))).toBe('NH_WEBHOOK_SIGNATURE_INVALID');
    const late = { ...base, now: now + 6 * 60_000 };
    expect(await code(verifyWebhook('svix', { ...late, headers, body, secret }))).toBe('NH_WEBHOOK_TIMESTAMP_STALE');
  });

  it('twilio: X-Twilio-Signature over the URL and form parameters, as the twilio package computes it', async () => {
    const secret = 'twilio-auth-token';
    const params = { MessageSid: 'SM1', MessageStatus: 'delivered', To: '+15551234567' };
    const body = new URLSearchParams(params).toString();
    const signature = webhooks.getExpectedTwilioSignature(secret, base.url, params);
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature };
    expect(await code(verifyWebhook('twilio', { ...base, headers, body, secret }))).toBe('ok');
    const altered = body.replace('delivered', 'failed');
    expect(await code(verifyWebhook('twilio', { ...base, headers, body: altered, secret }))).toBe('NH_WEBHOOK_SIGNATURE_INVALID');
    const elsewhere = { ...base, url: 'https://evil.example.com/hooks/c/x' };
    expect(await code(verifyWebhook('twilio', { ...elsewhere, headers, body, secret }))).toBe('NH_WEBHOOK_SIGNATURE_INVALID');
    expect(await code(verifyWebhook('twilio', { ...base, headers: { 'content-type': headers['content-type'] }, body, secret }))).toBe(
      'NH_WEBHOOK_SIGNATURE_INVALID',
    );
  });

  it('slack: v0 signing secret with a timestamp tolerance of 5 minutes', async () => {
    const secret = 'slack-signing-secret';
    const body = JSON.stringify({ type: 'event_callback', event: { type: 'message' } });
    const sign = (ts: number) => `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
    const headers = (ts: number) => ({ 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(ts) });
    expect(await code(verifyWebhook('slack', { ...base, headers: headers(secs), body, secret }))).toBe('ok');
    expect(await code(verifyWebhook('slack', { ...base, headers: headers(secs - 301), body, secret }))).toBe('NH_WEBHOOK_TIMESTAMP_STALE');
    const forged = { ...headers(secs), 'x-slack-signature': sign(secs).replace(/.$/, (c) => (c === '0' ? '1' : '0')) };
    expect(await code(verifyWebhook('slack', { ...base, headers: forged, body, secret }))).toBe('NH_WEBHOOK_SIGNATURE_INVALID');
  });

  it('hubspot-v3: method + URL + body + timestamp (ms), base64; stale refused', async () => {
    const secret = 'hubspot-client-secret';
    const body = JSON.stringify([{ eventId: 1, subscriptionType: 'contact.propertyChange' }]);
    const sign = (ts: number) => createHmac('sha256', secret).update(`POST${base.url}${body}${ts}`).digest('base64');
    const headers = (ts: number) => ({ 'x-hubspot-request-timestamp': String(ts), 'x-hubspot-signature-v3': sign(ts) });
    expect(await code(verifyWebhook('hubspot-v3', { ...base, headers: headers(now), body, secret }))).toBe('ok');
    expect(await code(verifyWebhook('hubspot-v3', { ...base, headers: headers(now - 400_000), body, secret }))).toBe(
      'NH_WEBHOOK_TIMESTAMP_STALE',
    );
    expect(await code(verifyWebhook('hubspot-v3', { ...base, method: 'PUT', headers: headers(now), body, secret }))).toBe(
      'NH_WEBHOOK_SIGNATURE_INVALID',
    );
  });

  it('meta: X-Hub-Signature-256 over the raw body with the app secret', async () => {
    const secret = 'meta-app-secret';
    const body = JSON.stringify({ object: 'page', entry: [] });
    const sig = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    expect(await code(verifyWebhook('meta', { ...base, headers: { 'x-hub-signature-256': sig }, body, secret }))).toBe('ok');
    expect(await code(verifyWebhook('meta', { ...base, headers: { 'x-hub-signature-256': sig }, body: `${body}\n`, secret }))).toBe(
      'NH_WEBHOOK_SIGNATURE_INVALID',
    );
    expect(await code(verifyWebhook('meta', { ...base, headers: {}, body, secret }))).toBe('NH_WEBHOOK_SIGNATURE_INVALID');
  });

  it('hmac-sha256: "<timestamp>.<body>", a timestamp that is not a number is refused', async () => {
    const secret = 'generic';
    const body = '{"events":[]}';
    expect(await code(verifyWebhook('hmac-sha256', { ...base, headers: signHmacSha256(secret, body, secs), body, secret }))).toBe('ok');
    const weird = { ...signHmacSha256(secret, body, secs), 'x-signature-timestamp': '1e9' };
    expect(await code(verifyWebhook('hmac-sha256', { ...base, headers: weird, body, secret }))).toBe('NH_WEBHOOK_SIGNATURE_INVALID');
  });
});
