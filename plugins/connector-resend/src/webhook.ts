import type { ConnectorEvent, ConnectorEventType } from '@neonhub/schemas';
import type { WebhookHandler } from '@neonhub/sdk';

/** Resend event types → the normalized events (email.sent and email.delivery_delayed are not stored). */
const TYPES: Record<string, ConnectorEventType> = {
  'email.delivered': 'delivered',
  'email.bounced': 'bounced',
  'email.complained': 'complained',
  'email.opened': 'opened',
  'email.clicked': 'clicked',
  'email.failed': 'failed',
};

interface ResendEvent {
  type?: string;
  created_at?: string;
  data?: {
    email_id?: string;
    to?: string[] | string;
    bounce?: { message?: string; type?: string; subType?: string };
    click?: { link?: string; timestamp?: string; userAgent?: string };
    failed?: { reason?: string };
    tags?: Record<string, string>;
  };
}

/**
 * Parses a Resend webhook (Svix-signed: the host verified svix-id/-timestamp/-signature with the connection's
 * webhookSecret). One event per recipient; the event id is svix-id (per recipient when there are several).
 */
export const webhook: WebhookHandler = {
  parse(request) {
    let event: ResendEvent;
    try {
      event = JSON.parse(request.body) as ResendEvent;
    } catch {
      return [];
    }
    const type = event.type ? TYPES[event.type] : undefined;
    if (!type || !event.data?.email_id) return [];
    const id = request.headers['svix-id'] ?? `${event.type}:${event.data.email_id}:${event.created_at ?? ''}`;
    const occurredAt = new Date(event.created_at ?? Date.now()).toISOString();
    const data: Record<string, unknown> = {};
    if (event.data.bounce) data.bounce = event.data.bounce;
    if (event.data.click?.link) data.url = event.data.click.link;
    if (event.data.failed?.reason) data.reason = event.data.failed.reason;
    if (event.data.tags) data.tags = event.data.tags;
    const to = Array.isArray(event.data.to) ? event.data.to : event.data.to ? [event.data.to] : [];
    const recipients = to.length > 0 ? to : [undefined];
    return recipients.map(
      (recipient, i): ConnectorEvent => ({
        id: recipients.length > 1 ? `${id}:${i}` : id,
        type,
        messageId: event.data!.email_id!,
        ...(recipient ? { recipient: recipient.toLowerCase() } : {}),
        occurredAt,
        data,
      }),
    );
  },
};
