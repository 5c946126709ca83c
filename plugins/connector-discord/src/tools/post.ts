import { ChatPostInputSchema, ChatPostOutputSchema } from '@neonhub/schemas';
import {
  connectorErrorFrom,
  connectorErrors,
  credential,
  defineTool,
  deliverOnce,
  isNeonHubError,
  requireConnection,
  retryAfterMs,
} from '@neonhub/sdk';
import { PLUGIN_ID } from '../config.js';

interface Posted {
  messageId: string;
  channel: string;
  recordedAt: string;
}
/** Discord's limit on a message's content. */
export const DISCORD_MAX_CONTENT = 2000;

/** The webhook URL with its origin replaced by `baseUrl` (tests, local fakes). */
function target(webhookUrl: string, baseUrl: unknown): URL {
  const url = new URL(webhookUrl);
  if (!/^\/api(\/v\d+)?\/webhooks\/\d+\/[^/]+$/.test(url.pathname))
    throw connectorErrors.create(
      'NH_CONNECTOR_AUTH_FAILED',
      'the connection webhook URL is not a Discord webhook URL (…/api/webhooks/<id>/<token>)',
      {
        details: { provider: 'discord' },
      },
    );
  if (typeof baseUrl === 'string') {
    const b = new URL(baseUrl);
    url.protocol = b.protocol;
    url.host = b.host;
  }
  return url;
}

export const post = defineTool({
  name: 'post',
  description:
    "Posts a message in a Discord channel through the connection's incoming webhook (over the plugin fetch). Refuses content over Discord's 2,000 characters before sending. Once per idempotency key; Discord webhooks have no idempotency key and cannot be searched, so a retry after an unknown outcome (timeout, 5xx) may post twice.",
  sideEffect: 'external',
  input: ChatPostInputSchema,
  output: ChatPostOutputSchema,
  timeoutMs: 30_000,
  async run(a, ctx) {
    const connection = requireConnection(ctx, PLUGIN_ID);
    if (a.text.length > DISCORD_MAX_CONTENT)
      throw connectorErrors.create(
        'NH_CONNECTOR_LIMIT_EXCEEDED',
        `Discord takes at most ${DISCORD_MAX_CONTENT} characters per message; got ${a.text.length}`,
        {
          details: { network: 'discord', limit: 'text', max: DISCORD_MAX_CONTENT, actual: a.text.length },
        },
      );
    const url = target(credential(connection, 'webhookUrl', PLUGIN_ID), ctx.config.baseUrl);
    url.searchParams.set('wait', 'true');
    if (a.channel) url.searchParams.set('thread_id', a.channel);
    const { result, duplicate } = await deliverOnce<Posted>({
      store: ctx.store,
      key: ctx.idempotencyKey,
      request: { text: a.text, channel: a.channel ?? null, connection: connection.id },
      send: async () => {
        let res: Response;
        try {
          res = await ctx.fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ content: a.text, allowed_mentions: { parse: [] } }),
            signal: ctx.signal,
          });
        } catch (cause) {
          if (isNeonHubError(cause)) throw cause;
          throw connectorErrorFrom({ provider: 'discord', message: (cause as Error).message, cause });
        }
        const body = (await res.json().catch(() => ({}))) as {
          id?: string;
          channel_id?: string;
          message?: string;
          code?: number;
          retry_after?: number;
        };
        if (!res.ok)
          throw connectorErrorFrom({
            provider: 'discord',
            status: res.status,
            ...(body.code !== undefined ? { providerCode: body.code } : {}),
            message: body.message ?? res.statusText,
            authFailed: res.status === 401 || res.status === 403 || body.code === 10015,
            ...(res.status === 429
              ? {
                  retryAfterMs:
                    body.retry_after !== undefined ? Math.ceil(body.retry_after * 1000) : retryAfterMs(res.headers, { fallbackMs: 1_000 }),
                }
              : {}),
          });
        return {
          messageId: body.id ?? 'unknown',
          channel: body.channel_id ?? a.channel ?? 'webhook',
          recordedAt: new Date().toISOString(),
        };
      },
    });
    ctx.logger.info({ messageId: result.messageId, duplicate }, 'posted on discord');
    return { ...result, duplicate, status: 'posted' as const };
  },
});
