import type { ConnectorEvent } from '@neonhub/schemas';
import type { WebhookHandler } from '@neonhub/sdk';

interface MetaChange {
  field: string;
  value: Record<string, unknown>;
}
interface MetaDelivery {
  object?: string;
  entry?: Array<{ id: string; time: number; changes?: MetaChange[] }>;
}

const iso = (unixSeconds: unknown, fallback: number) =>
  new Date((typeof unixSeconds === 'number' ? unixSeconds : fallback) * 1000).toISOString();

/**
 * Parses a verified Meta webhook delivery (the host checked X-Hub-Signature-256 with the app secret): a comment added
 * on a Page post (object page, field feed, item comment, verb add) or on an Instagram media (object instagram, field
 * comments) is a `replied` event about that post (messageId = the post or media id the connector returned).
 */
export const webhook: WebhookHandler = {
  parse(request, { logger }) {
    let delivery: MetaDelivery;
    try {
      delivery = JSON.parse(request.body) as MetaDelivery;
    } catch {
      logger.warn({}, 'meta webhook body is not JSON; ignored');
      return [];
    }
    const events: ConnectorEvent[] = [];
    for (const entry of delivery.entry ?? []) {
      for (const change of entry.changes ?? []) {
        const v = change.value;
        if (
          delivery.object === 'page' &&
          change.field === 'feed' &&
          v.item === 'comment' &&
          v.verb === 'add' &&
          typeof v.comment_id === 'string'
        ) {
          const from = v.from as { id?: string; name?: string } | undefined;
          events.push({
            id: v.comment_id,
            type: 'replied',
            ...(typeof v.post_id === 'string' ? { messageId: v.post_id } : {}),
            ...(from?.id ? { recipient: from.id } : {}),
            occurredAt: iso(v.created_time, entry.time),
            data: {
              network: 'facebook',
              pageId: entry.id,
              from: from?.name ?? null,
              message: typeof v.message === 'string' ? v.message.slice(0, 500) : null,
            },
          });
        }
        if (delivery.object === 'instagram' && change.field === 'comments' && typeof v.id === 'string') {
          const from = v.from as { id?: string; username?: string } | undefined;
          const media = v.media as { id?: string } | undefined;
          events.push({
            id: v.id,
            type: 'replied',
            ...(media?.id ? { messageId: media.id } : {}),
            ...(from?.username ? { recipient: from.username } : {}),
            occurredAt: iso(undefined, entry.time),
            data: { network: 'instagram', accountId: entry.id, text: typeof v.text === 'string' ? v.text.slice(0, 500) : null },
          });
        }
      }
    }
    return events;
  },
};
