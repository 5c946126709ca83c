import type { ConnectorEvent, ConnectorEventType } from '@neonhub/schemas';
import type { WebhookHandler } from '@neonhub/sdk';

/** One event of a HubSpot webhook delivery (a JSON array of up to 100). */
interface HubSpotEvent {
  eventId: number | string;
  subscriptionId?: number;
  portalId?: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber?: number;
  objectId?: number | string;
  propertyName?: string;
  propertyValue?: string;
  changeSource?: string;
}

/** Contact property changes that are engagement or consent, as NeonHub's normalized events. */
function typeOf(e: HubSpotEvent): ConnectorEventType | undefined {
  if (e.subscriptionType !== 'contact.propertyChange') return undefined;
  switch (e.propertyName) {
    case 'hs_email_optout':
      return e.propertyValue === 'true' ? 'unsubscribed' : undefined;
    case 'hs_email_hard_bounce_reason_enum':
      return e.propertyValue ? 'bounced' : undefined;
    case 'hs_email_last_open_date':
      return 'opened';
    case 'hs_email_last_click_date':
      return 'clicked';
    case 'hs_email_last_reply_date':
      return 'replied';
    default:
      return undefined;
  }
}

/**
 * Parses a verified HubSpot webhook delivery (the host checked X-HubSpot-Signature-v3 and its timestamp): contact
 * property changes for opt-out, hard bounce, last open/click/reply become unsubscribed/bounced/opened/clicked/replied
 * events about the contact (data.contactId; HubSpot's payload names no e-mail address). Others are ignored.
 */
export const webhook: WebhookHandler = {
  parse(request, { logger }) {
    let events: unknown;
    try {
      events = JSON.parse(request.body);
    } catch {
      logger.warn({}, 'hubspot webhook body is not JSON; ignored');
      return [];
    }
    if (!Array.isArray(events)) return [];
    const out: ConnectorEvent[] = [];
    for (const e of events as HubSpotEvent[]) {
      const type = typeOf(e);
      if (!type || e.eventId === undefined || !Number.isFinite(e.occurredAt)) continue;
      out.push({
        id: String(e.eventId),
        type,
        occurredAt: new Date(e.occurredAt).toISOString(),
        data: {
          contactId: String(e.objectId ?? ''),
          portalId: e.portalId ?? null,
          property: e.propertyName,
          value: e.propertyValue ?? null,
          ...(e.changeSource ? { source: e.changeSource } : {}),
        },
      });
    }
    return out;
  },
};
