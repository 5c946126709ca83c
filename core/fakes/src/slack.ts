import { createHmac, randomBytes } from 'node:crypto';
import { createFaults, type FakeRequest, type FakeResponse, serveFake } from './http.js';
import { type FakeConnection, postWebhook } from './webhook.js';

/** A message the fake accepted (chat.postMessage), as Slack returns it. */
export interface SlackMessage {
  channel: string;
  ts: string;
  text: string;
  thread_ts?: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  bot_id: string;
  type: 'message';
}

/**
 * Slack's Web API on a local port: POST /api/chat.postMessage and /api/conversations.history (form or JSON bodies,
 * `Authorization: Bearer xoxb-...`), Slack's `{ ok: false, error }` answers with HTTP 200, 429 with Retry-After;
 * Events API callbacks signed with the signing secret (X-Slack-Signature v0, X-Slack-Request-Timestamp).
 */
export async function startSlackFake(opts: { port?: number; webhookUrl?: string; token?: string; signingSecret?: string } = {}) {
  const token = opts.token ?? `xoxb-${randomBytes(12).toString('hex')}`;
  const signingSecret = opts.signingSecret ?? randomBytes(16).toString('hex');
  const faults = createFaults();
  const sent: SlackMessage[] = [];
  const channels = new Map<string, string>([
    ['#general', 'C0GENERAL1'],
    ['#marketing', 'C0MARKETNG'],
  ]);
  let clock = Math.floor(Date.now() / 1000);
  let seq = 0;
  const nextTs = () => {
    clock = Math.max(clock, Math.floor(Date.now() / 1000));
    seq += 1;
    return `${clock}.${String(seq).padStart(6, '0')}`;
  };
  const args = (req: FakeRequest): Record<string, unknown> => {
    if (req.json && typeof req.json === 'object') return req.json as Record<string, unknown>;
    const out: Record<string, unknown> = Object.fromEntries(req.form);
    for (const k of ['metadata', 'blocks', 'attachments'])
      if (typeof out[k] === 'string') {
        try {
          out[k] = JSON.parse(out[k] as string);
        } catch {
          // keep the string
        }
      }
    return out;
  };
  const channelId = (c: unknown) => {
    const name = String(c ?? '');
    if (channels.has(name)) return channels.get(name)!;
    if (channels.has(`#${name}`)) return channels.get(`#${name}`)!;
    return [...channels.values()].includes(name) ? name : undefined;
  };
  const fail = (error: string): FakeResponse => ({ json: { ok: false, error } });

  function route(req: FakeRequest): FakeResponse {
    const forced = faults.next(req);
    if (forced) return forced;
    const auth = req.headers.authorization;
    if (!auth) return fail('not_authed');
    if (auth !== `Bearer ${token}`) return fail('invalid_auth');
    const a = args(req);
    if (req.path === '/api/chat.postMessage') {
      const channel = channelId(a.channel);
      if (!a.channel) return fail('channel_not_found');
      if (!channel) return fail('channel_not_found');
      const text = typeof a.text === 'string' ? a.text : '';
      if (!text && !a.blocks) return fail('no_text');
      if (text.length > 40_000) return fail('msg_too_long');
      const m: SlackMessage = {
        channel,
        ts: nextTs(),
        text,
        type: 'message',
        bot_id: 'B0NEONHUB1',
        ...(typeof a.thread_ts === 'string' ? { thread_ts: a.thread_ts } : {}),
        ...(a.metadata && typeof a.metadata === 'object' ? { metadata: a.metadata as SlackMessage['metadata'] } : {}),
      };
      sent.push(m);
      const { channel: _c, ...message } = m;
      return { json: { ok: true, channel, ts: m.ts, message } };
    }
    if (req.path === '/api/conversations.history') {
      const channel = channelId(a.channel);
      if (!channel) return fail('channel_not_found');
      const oldest = Number(a.oldest ?? 0);
      const all = a.include_all_metadata === true || a.include_all_metadata === 'true';
      const messages = sent
        .filter((m) => m.channel === channel && Number(m.ts) >= oldest)
        .reverse()
        .slice(0, Number(a.limit ?? 100))
        .map(({ channel: _c, metadata, ...m }) => ({ ...m, ...(all && metadata ? { metadata } : {}) }));
      return { json: { ok: true, messages, has_more: false } };
    }
    return fail('unknown_method');
  }

  /** An Events API request body signed like Slack does: the headers and exact body. */
  const sign = (payload: unknown, timestamp = Math.floor(Date.now() / 1000)) => {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    return {
      headers: { 'content-type': 'application/json', 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) },
      body,
    };
  };
  /** A thread reply to `ts` in `channel`, as the Events API sends it (event_callback / message). */
  const replyEvent = (channel: string, ts: string, text: string, user = 'U0CUSTOMER') => ({
    token: 'verification-token',
    team_id: 'T0NEONHUB1',
    api_app_id: 'A0NEONHUB1',
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'message', channel, user, text, ts: nextTs(), thread_ts: ts, event_ts: nextTs(), channel_type: 'channel' },
  });

  const server = await serveFake(route, opts.port !== undefined ? { port: opts.port } : {});
  return {
    name: 'slack' as const,
    url: server.url,
    requests: server.requests,
    token,
    signingSecret,
    /** Channel names (#general, #marketing) → ids. */
    channels,
    /** Accepted messages, oldest first. */
    sent,
    faults,
    /** The next `times` calls answer HTTP 429 with Retry-After, as Slack's tier limits do. */
    rateLimit: (times = 1, retryAfterSeconds = 1) =>
      faults.add(
        { status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, json: { ok: false, error: 'ratelimited' } },
        { times },
      ),
    /** The next `times` calls fail with `status` (5xx: an HTTP error; 200: `{ ok: false, error }` with `error`). */
    failNext: (times = 1, status = 500, error = 'fatal_error') =>
      faults.add(status === 200 ? fail(error) : { status, body: 'upstream error' }, { times }),
    sign,
    replyEvent,
    /** Signs and posts an Events API payload to `url` (default: the webhookUrl option). */
    emit: (payload: unknown, url = opts.webhookUrl) => {
      if (!url) throw new Error('slack fake: no webhook URL');
      const s = sign(payload);
      return postWebhook(url, s.body, s.headers);
    },
    connection: {
      plugin: 'connector-slack',
      config: { baseUrl: `${server.url}/api/` },
      credentials: { botToken: token, signingSecret, channel: '#general' },
    } satisfies FakeConnection,
    close: server.close,
  };
}
export type SlackFake = Awaited<ReturnType<typeof startSlackFake>>;
