import { ChatPostInputSchema, ChatPostOutputSchema } from '@neonhub/schemas';
import { connectorErrors, credential, defineTool, deliverOnce, requireConnection } from '@neonhub/sdk';
import { WebClient } from '@slack/web-api';
import { PLUGIN_ID } from '../config.js';
import { fromSlackError } from '../errors.js';

interface Posted {
  messageId: string;
  channel: string;
  recordedAt: string;
}
const EVENT_TYPE = 'neonhub_delivery';

export const post = defineTool({
  name: 'post',
  description:
    "Posts a message in a Slack channel with the connection's bot token (@slack/web-api chat.postMessage). Once per idempotency key: the key rides in the message metadata, so a retry after an unknown outcome first looks for it in the channel history and posts only when it is not there.",
  sideEffect: 'external',
  input: ChatPostInputSchema,
  output: ChatPostOutputSchema,
  timeoutMs: 60_000,
  async run(a, ctx) {
    const connection = requireConnection(ctx, PLUGIN_ID);
    const token = credential(connection, 'botToken', PLUGIN_ID);
    const channel = a.channel ?? connection.credentials.channel;
    if (!channel)
      throw connectorErrors.create('NH_CONNECTOR_REJECTED', 'no channel: give `channel`, or set the connection default channel', {
        details: { provider: 'slack' },
      });
    const slack = new WebClient(token, {
      ...(typeof ctx.config.baseUrl === 'string'
        ? { slackApiUrl: ctx.config.baseUrl.endsWith('/') ? ctx.config.baseUrl : `${ctx.config.baseUrl}/` }
        : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    const key = ctx.idempotencyKey;
    const { result, duplicate } = await deliverOnce<Posted>({
      store: ctx.store,
      key,
      request: { text: a.text, channel, connection: connection.id },
      mapError: fromSlackError,
      send: async () => {
        const r = await slack.chat.postMessage({
          channel,
          text: a.text,
          metadata: { event_type: EVENT_TYPE, event_payload: { idempotency_key: key } },
        });
        return { messageId: `${r.channel}:${r.ts}`, channel: r.channel ?? channel, recordedAt: new Date().toISOString() };
      },
      lookup: async (record) => {
        const oldest = String(Math.floor(Date.parse(record.attemptAt) / 1000) - 60);
        const h = await slack.conversations.history({ channel, oldest, include_all_metadata: true, limit: 100 });
        const hit = h.messages?.find(
          (m) =>
            m.metadata?.event_type === EVENT_TYPE &&
            (m.metadata.event_payload as Record<string, unknown> | undefined)?.idempotency_key === key,
        );
        return hit?.ts ? { messageId: `${channel}:${hit.ts}`, channel, recordedAt: new Date().toISOString() } : undefined;
      },
    });
    ctx.logger.info({ messageId: result.messageId, duplicate }, 'posted on slack');
    return { ...result, duplicate, status: 'posted' as const };
  },
});
