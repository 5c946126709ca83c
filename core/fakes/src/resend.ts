import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'svix';
import { createFaults, type FakeRequest, type FakeResponse, serveFake } from './http.js';
import { type FakeConnection, postWebhook } from './webhook.js';

/** An e-mail the fake accepted (POST /emails), in Resend's API shape. */
export interface ResendEmail {
  object: 'email';
  id: string;
  from: string;
  to: string[];
  subject: string;
  html: string | null;
  text: string | null;
  cc: string[] | null;
  bcc: string[] | null;
  reply_to: string[] | null;
  tags: Array<{ name: string; value: string }>;
  headers: Record<string, string> | null;
  created_at: string;
  last_event: string;
  scheduled_at: string | null;
  /** The Idempotency-Key it was sent with, if any (not part of Resend's API answer). */
  idempotencyKey?: string;
}

export type ResendEventType =
  | 'email.sent'
  | 'email.delivered'
  | 'email.delivery_delayed'
  | 'email.bounced'
  | 'email.complained'
  | 'email.opened'
  | 'email.clicked'
  | 'email.failed';

export interface ResendFakeOptions {
  port?: number;
  /** The API key the fake accepts (default `re_fake_key`). */
  apiKey?: string;
  /** Svix signing secret for webhooks, `whsec_...` (default: a random one). */
  webhookSecret?: string;
  /**
   * When set, the fake posts signed webhooks here after each accepted e-mail, like Resend does:
   * `email.sent`, then `email.delivered` — or `email.bounced` / `email.complained` for bounced@resend.dev /
   * complained@resend.dev, Resend's test addresses.
   */
  webhookUrl?: string;
}

const errorReply = (statusCode: number, name: string, message: string, headers?: Record<string, string>): FakeResponse => ({
  status: statusCode,
  json: { statusCode, name, message },
  ...(headers ? { headers } : {}),
});

const failure = (status: number): FakeResponse =>
  status >= 500
    ? errorReply(status, 'application_error', 'An unexpected error occurred, please try again later.')
    : status === 401
      ? errorReply(401, 'missing_api_key', 'Missing API key in the authorization header.')
      : status === 403
        ? errorReply(403, 'invalid_api_key', 'API key is invalid')
        : errorReply(status, 'validation_error', 'The request could not be processed.');

const rateLimited = (retryAfter: number): FakeResponse =>
  errorReply(
    429,
    'rate_limit_exceeded',
    'Too many requests. You can only make 2 requests per second. See rate limit response headers for more information. Or contact support to increase rate limit.',
    { 'retry-after': String(retryAfter), 'ratelimit-limit': '2', 'ratelimit-remaining': '0', 'ratelimit-reset': String(retryAfter) },
  );

const ADDRESS = /^(?:[^<>]*<\s*)?([^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)\s*>?$/;
const list = (v: unknown): string[] | null => (v === undefined || v === null ? null : Array.isArray(v) ? v.map(String) : [String(v)]);

function validate(b: Record<string, unknown>): string | undefined {
  if (typeof b.from !== 'string' || !ADDRESS.test(b.from.trim()))
    return 'Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.';
  const to = list(b.to);
  if (!to || to.length === 0) return 'Missing `to` field.';
  if (to.length > 50) return 'Invalid `to` field. You can only send to up to 50 recipients.';
  for (const a of to)
    if (!ADDRESS.test(a.trim())) return `Invalid \`to\` field. The email address needs to follow the \`email@example.com\` format.`;
  if (typeof b.subject !== 'string' || b.subject.length === 0) return 'Missing `subject` field.';
  if (b.html === undefined && b.text === undefined && b.template === undefined) return 'Missing `html` or `text` field.';
  if (b.tags !== undefined) {
    if (!Array.isArray(b.tags)) return 'Invalid `tags` field.';
    for (const t of b.tags as Array<{ name?: unknown; value?: unknown }>)
      if (
        typeof t?.name !== 'string' ||
        !/^[A-Za-z0-9_-]{1,256}$/.test(t.name) ||
        typeof t.value !== 'string' ||
        !/^[A-Za-z0-9_-]{0,256}$/.test(t.value)
      )
        return 'Invalid `tags` field. Tag names and values can only contain ASCII letters (a–z, A–Z), numbers (0–9), underscores (_), or dashes (-).';
  }
  return undefined;
}

const bodyHash = (body: string) => createHash('sha256').update(body).digest('hex');

/** A local Resend API (POST /emails, GET /emails/:id) with Idempotency-Key, Resend's error bodies and Svix-signed webhooks. */
export async function startResendFake(opts: ResendFakeOptions = {}) {
  const apiKey = opts.apiKey ?? 're_fake_key';
  const webhookSecret = opts.webhookSecret ?? `whsec_${randomBytes(24).toString('base64')}`;
  const signer = new Webhook(webhookSecret);
  const sent: ResendEmail[] = [];
  const byId = new Map<string, ResendEmail>();
  const idempotency = new Map<string, { hash: string; id: string }>();
  const faults = createFaults();

  const event = (type: ResendEventType, emailId: string, data: Record<string, unknown> = {}) => {
    const email = byId.get(emailId);
    const now = new Date().toISOString();
    return {
      type,
      created_at: now,
      data: {
        created_at: email?.created_at ?? now,
        email_id: emailId,
        from: email?.from ?? 'unknown@example.com',
        to: email?.to ?? [],
        subject: email?.subject ?? '',
        ...(email?.tags.length ? { tags: Object.fromEntries(email.tags.map((t) => [t.name, t.value])) } : {}),
        ...data,
      },
    };
  };
  const sign = (payload: unknown, o: { id?: string; timestamp?: Date } = {}) => {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const id = o.id ?? `msg_${randomUUID().replace(/-/g, '').slice(0, 27)}`;
    const timestamp = o.timestamp ?? new Date();
    return {
      headers: {
        'content-type': 'application/json',
        'svix-id': id,
        'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'svix-signature': signer.sign(id, timestamp, body),
      },
      body,
    };
  };
  const emit = async (type: ResendEventType, emailId: string, o: { url?: string; data?: Record<string, unknown> } = {}) => {
    const url = o.url ?? opts.webhookUrl;
    if (!url) throw new Error('resend fake: no webhook URL to post to (pass url or the webhookUrl option)');
    const { headers, body } = sign(event(type, emailId, o.data));
    return postWebhook(url, body, headers);
  };
  const afterSend = (email: ResendEmail) => {
    if (!opts.webhookUrl) return;
    const to = email.to[0]?.toLowerCase() ?? '';
    const outcome: ResendEventType = to.includes('bounced@resend.dev')
      ? 'email.bounced'
      : to.includes('complained@resend.dev')
        ? 'email.complained'
        : 'email.delivered';
    const data: Record<string, unknown> =
      outcome === 'email.bounced'
        ? { bounce: { message: 'The recipient mailbox does not exist.', subType: 'General', type: 'Permanent' } }
        : {};
    email.last_event = outcome.slice('email.'.length);
    setTimeout(() => {
      void emit('email.sent', email.id).then(() => emit(outcome, email.id, { data }));
    }, 5);
  };

  const send = (req: FakeRequest): FakeResponse => {
    const b = req.json;
    if (!b || typeof b !== 'object' || Array.isArray(b))
      return errorReply(422, 'validation_error', 'The request body must be a JSON object.');
    const key = req.headers['idempotency-key'];
    if (key !== undefined) {
      if (key.length === 0 || key.length > 256) return errorReply(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.');
      const seen = idempotency.get(key);
      if (seen) {
        if (seen.hash !== bodyHash(req.body.toString('utf8')))
          return errorReply(
            409,
            'invalid_idempotent_request',
            'Same idempotency key used with a different request payload. Change your idempotency key or payload.',
          );
        return { status: 200, json: { id: seen.id } };
      }
    }
    const body = b as Record<string, unknown>;
    const problem = validate(body);
    if (problem) return errorReply(422, 'validation_error', problem);
    const email: ResendEmail = {
      object: 'email',
      id: randomUUID(),
      from: String(body.from),
      to: list(body.to) ?? [],
      subject: String(body.subject),
      html: typeof body.html === 'string' ? body.html : null,
      text: typeof body.text === 'string' ? body.text : null,
      cc: list(body.cc),
      bcc: list(body.bcc),
      reply_to: list(body.reply_to),
      tags: Array.isArray(body.tags) ? (body.tags as Array<{ name: string; value: string }>) : [],
      headers: (body.headers as Record<string, string> | undefined) ?? null,
      created_at: new Date().toISOString(),
      last_event: 'sent',
      scheduled_at: typeof body.scheduled_at === 'string' ? body.scheduled_at : null,
      ...(key !== undefined ? { idempotencyKey: key } : {}),
    };
    if (key !== undefined) idempotency.set(key, { hash: bodyHash(req.body.toString('utf8')), id: email.id });
    sent.push(email);
    byId.set(email.id, email);
    afterSend(email);
    return { status: 200, json: { id: email.id } };
  };

  const authenticate = (req: FakeRequest): FakeResponse | undefined => {
    const auth = req.headers.authorization;
    if (!auth?.startsWith('Bearer ') || auth.length <= 'Bearer '.length)
      return errorReply(
        401,
        'missing_api_key',
        'Missing API key in the authorization header. Include the following header in the request: Authorization: Bearer YOUR_API_KEY',
      );
    if (auth.slice('Bearer '.length) !== apiKey) return errorReply(403, 'invalid_api_key', 'API key is invalid');
    return undefined;
  };

  const route = (req: FakeRequest): FakeResponse => {
    const forced = faults.next(req);
    if (forced) return forced;
    const refused = authenticate(req);
    if (refused) return refused;
    if (req.method === 'POST' && req.path === '/emails') return send(req);
    const one = /^\/emails\/([^/]+)$/.exec(req.path);
    if (req.method === 'GET' && one) {
      const email = byId.get(decodeURIComponent(one[1]!));
      if (!email) return errorReply(404, 'not_found', 'Email not found');
      const { idempotencyKey: _k, ...shown } = email;
      return { status: 200, json: shown };
    }
    return errorReply(404, 'not_found', 'The requested endpoint does not exist.');
  };

  const server = await serveFake(route, opts.port !== undefined ? { port: opts.port } : {});
  return {
    name: 'resend' as const,
    url: server.url,
    requests: server.requests,
    apiKey,
    webhookSecret,
    /** Accepted e-mails (one per delivery: a deduplicated retry adds none), oldest first. */
    sent,
    faults,
    /** The next `times` API requests answer 429 with Resend's body and `Retry-After: retryAfterSeconds`. */
    rateLimit: (times = 1, retryAfterSeconds = 1) => faults.add(rateLimited(retryAfterSeconds), { times }),
    /** The next `times` API requests fail with `status` and Resend's error body for it. */
    failNext: (times = 1, status = 500) => faults.add(failure(status), { times }),
    /** A Resend webhook event for an e-mail the fake sent (or any id), as Resend shapes it. */
    event,
    /** Signs a payload with the Svix scheme: the headers and exact body to post. */
    sign,
    /** Signs `event(...)` and posts it to `url` (default: the webhookUrl option); resolves with the receiver's status. */
    emit,
    connection: {
      plugin: 'connector-resend',
      config: { baseUrl: server.url },
      credentials: { apiKey, webhookSecret },
    } satisfies FakeConnection,
    close: server.close,
  };
}
export type ResendFake = Awaited<ReturnType<typeof startResendFake>>;
