import { randomBytes, randomInt } from 'node:crypto';
import { createFaults, type FakeRequest, type FakeResponse, serveFake } from './http.js';
import type { FakeConnection } from './webhook.js';

/** A message the fake accepted through the webhook, in Discord's message shape. */
export interface DiscordMessage {
  id: string;
  type: 0;
  content: string;
  channel_id: string;
  webhook_id: string;
  author: { id: string; username: string; bot: true };
  timestamp: string;
  thread_id?: string;
}

const snowflake = () => String((BigInt(Date.now() - 1420070400000) << 22n) | BigInt(randomInt(0, 4_194_304)));
const discordError = (status: number, code: number, message: string, headers?: Record<string, string>): FakeResponse => ({
  status,
  json: { message, code },
  ...(headers ? { headers } : {}),
});

/**
 * Discord's incoming webhooks on a local port: POST /api/webhooks/{id}/{token} (JSON; `?wait=true` answers the
 * message, otherwise 204; `?thread_id=` posts in a thread), Discord's error JSON ({ message, code }), 429 with
 * Retry-After, X-RateLimit-* headers and a `retry_after` body.
 */
export async function startDiscordFake(opts: { port?: number } = {}) {
  const webhookId = snowflake();
  const webhookToken = randomBytes(34).toString('base64url');
  const channelId = snowflake();
  const faults = createFaults();
  const sent: DiscordMessage[] = [];

  function route(req: FakeRequest): FakeResponse {
    const m = /^\/api(?:\/v\d+)?\/webhooks\/(\d+)\/([^/]+)$/.exec(req.path);
    if (!m) return discordError(404, 0, '404: Not Found');
    const forced = faults.next(req);
    if (forced) return forced;
    if (m[1] !== webhookId) return discordError(404, 10015, 'Unknown Webhook');
    if (m[2] !== webhookToken) return discordError(401, 50027, 'Invalid Webhook Token');
    if (req.method !== 'POST') return discordError(405, 0, '405: Method Not Allowed');
    const body = req.json as { content?: string; embeds?: unknown[] } | undefined;
    if (!body || ((body.content ?? '') === '' && !body.embeds?.length)) return discordError(400, 50006, 'Cannot send an empty message');
    if ((body.content ?? '').length > 2000)
      return {
        status: 400,
        json: {
          message: 'Invalid Form Body',
          code: 50035,
          errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } },
        },
      };
    const threadId = req.query.get('thread_id') ?? undefined;
    const message: DiscordMessage = {
      id: snowflake(),
      type: 0,
      content: body.content ?? '',
      channel_id: threadId ?? channelId,
      webhook_id: webhookId,
      author: { id: webhookId, username: 'NeonHub', bot: true },
      timestamp: new Date().toISOString(),
      ...(threadId ? { thread_id: threadId } : {}),
    };
    sent.push(message);
    const limits = {
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '4',
      'x-ratelimit-reset-after': '2',
      'x-ratelimit-bucket': 'fakebucket',
    };
    if (req.query.get('wait') === 'true') return { status: 200, json: message, headers: limits };
    return { status: 204, headers: limits };
  }

  const server = await serveFake(route, opts.port !== undefined ? { port: opts.port } : {});
  const webhookUrl = `${server.url}/api/webhooks/${webhookId}/${webhookToken}`;
  return {
    name: 'discord' as const,
    url: server.url,
    requests: server.requests,
    /** The incoming webhook's URL at the fake (what an admin pastes from Discord's channel settings). */
    webhookUrl,
    channelId,
    /** Accepted messages, oldest first. */
    sent,
    faults,
    /** The next `times` requests answer 429 like Discord (Retry-After, X-RateLimit-*, retry_after in the body). */
    rateLimit: (times = 1, retryAfterSeconds = 1) =>
      faults.add(
        {
          status: 429,
          headers: {
            'retry-after': String(retryAfterSeconds),
            'x-ratelimit-limit': '5',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset-after': String(retryAfterSeconds),
            'x-ratelimit-scope': 'shared',
          },
          json: { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global: false },
        },
        { times },
      ),
    /** The next `times` requests fail with `status` and Discord's error body. */
    failNext: (times = 1, status = 500) =>
      faults.add(
        status >= 500 ? discordError(status, 0, `${status}: Internal Server Error`) : discordError(status, 50035, 'Invalid Form Body'),
        { times },
      ),
    connection: {
      plugin: 'connector-discord',
      config: { baseUrl: server.url },
      credentials: { webhookUrl: `https://discord.com/api/webhooks/${webhookId}/${webhookToken}` },
    } satisfies FakeConnection,
    close: server.close,
  };
}
export type DiscordFake = Awaited<ReturnType<typeof startDiscordFake>>;
