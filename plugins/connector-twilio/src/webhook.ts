import type { ConnectorEvent, ConnectorEventType } from '@neonhub/schemas';
import type { WebhookHandler } from '@neonhub/sdk';

/** Carrier opt-out keywords Twilio honours by default (Advanced Opt-Out adds OptOutType=STOP). */
const STOP_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const STATUS: Record<string, ConnectorEventType> = { delivered: 'delivered', undelivered: 'failed', failed: 'failed' };

/**
 * Parses a Twilio request (form encoded, X-Twilio-Signature verified by the host with the auth token): a status
 * callback (delivered; undelivered/failed with ErrorCode) or an inbound message (STOP and its synonyms →
 * unsubscribed, anything else → replied). The event id is I-Twilio-Idempotency-Token, else MessageSid + status.
 */
export const webhook: WebhookHandler = {
  parse(request) {
    const p = new URLSearchParams(request.body);
    const sid = p.get('MessageSid') ?? p.get('SmsSid');
    if (!sid) return [];
    const status = (p.get('MessageStatus') ?? p.get('SmsStatus') ?? '').toLowerCase();
    const occurredAt = new Date().toISOString();
    const token = request.headers['i-twilio-idempotency-token'];
    if (status === 'received' || (p.has('Body') && !p.has('MessageStatus'))) {
      const body = (p.get('Body') ?? '').trim();
      const optOut = p.get('OptOutType')?.toUpperCase() === 'STOP' || STOP_WORDS.has(body.toUpperCase());
      const event: ConnectorEvent = {
        id: token ?? `${sid}:received`,
        type: optOut ? 'unsubscribed' : 'replied',
        messageId: sid,
        ...(p.get('From') ? { recipient: p.get('From')! } : {}),
        occurredAt,
        data: optOut ? { keyword: body.toUpperCase() } : { text: body.slice(0, 1000) },
      };
      return [event];
    }
    const type = STATUS[status];
    if (!type) return [];
    const errorCode = p.get('ErrorCode');
    return [
      {
        id: token ?? `${sid}:${status}`,
        type,
        messageId: sid,
        ...(p.get('To') ? { recipient: p.get('To')! } : {}),
        occurredAt,
        data: { status, ...(errorCode ? { errorCode } : {}) },
      },
    ];
  },
};
