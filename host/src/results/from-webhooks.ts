import type { DB, Kysely } from '@neonhub/db';
import type { Logger } from '@neonhub/sdk';
import type { StoredConnectorEvent } from '../connections/events.js';
import { recordProviderEvents } from './events.js';

/**
 * Copies each newly stored webhook event (connector_events: delivered, opened, bounced, replied, unsubscribed...)
 * into the results (result_events and the daily counts), matched to its send by the provider message id — which
 * gives it the send's campaign, variant, channel and contact. Keyed `evt:<provider event id>`, like the events
 * API, so a redelivered or replayed event counts once. An event that matches no send is left in connector_events
 * only (a message the workspace sent outside a campaign).
 */
export function resultsFromWebhooks(db: Kysely<DB>, logger: Logger) {
  return async (event: StoredConnectorEvent) => {
    // a payment is a conversion, credited by click, campaign tag or contact (conversion-events.ts), not by a send
    if (event.type === 'converted') return;
    try {
      const r = await recordProviderEvents(
        db,
        event.workspaceId,
        [
          {
            id: event.eventId,
            type: event.type,
            messageId: event.messageId ?? undefined,
            recipient: event.recipient ?? undefined,
            occurredAt: event.occurredAt,
            data: { ...event.data, connection: event.connection },
          },
        ],
        `webhook:${event.plugin}`,
      );
      if (r.unmatched > 0)
        logger.debug({ plugin: event.plugin, event: event.eventId, messageId: event.messageId }, 'webhook event matches no campaign send');
    } catch (err) {
      logger.warn({ err, plugin: event.plugin, event: event.eventId }, 'a webhook event could not be copied into the results');
    }
  };
}
