import { createHash } from 'node:crypto';
import type { ConnectorEvent } from '@neonhub/schemas';
import { z } from 'zod';

/** How the sandbox's simulated recipients behave: each a probability in [0, 1]. */
export const EngagementSchema = z.strictObject({
  bounce: z.number().min(0).max(1).default(0.02).describe('Share of recipients whose message bounces (no other event follows).'),
  open: z.number().min(0).max(1).default(0.45).describe('Share of delivered messages that are opened.'),
  click: z.number().min(0).max(1).default(0.25).describe('Share of opened messages whose link is clicked.'),
  unsubscribe: z.number().min(0).max(1).default(0.01).describe('Share of delivered messages whose recipient unsubscribes.'),
});
export type Engagement = z.infer<typeof EngagementSchema>;
/** The rates `engagement: {}` gives: a plausible newsletter. */
export const DEFAULT_ENGAGEMENT: Engagement = EngagementSchema.parse({});
/** Without `engagement` in the config: every message is delivered and nothing more happens (the old sandbox). */
export const DELIVER_ONLY: Engagement = { bounce: 0, open: 0, click: 0, unsubscribe: 0 };

/** A uniform number in [0, 1) from the message id, recipient and event kind: the same every time. */
export function draw(messageId: string, recipient: string, kind: string): number {
  const h = createHash('sha256').update(`${messageId}\u0000${recipient.toLowerCase()}\u0000${kind}`).digest();
  return h.readUInt32BE(0) / 2 ** 32;
}

/**
 * When a simulated event happened: `seconds` after the send, but never later than `now` (the moment the events are
 * reported): a real service reports an open only once it has happened, so no event is dated in the future. Reported
 * with the send itself, the events all fall at the send; reported again later (a retry answers the same message), up to
 * their offset.
 */
const at = (recordedAt: string, seconds: number, now: number) => {
  const sent = Date.parse(recordedAt);
  return new Date(Math.min(sent + seconds * 1000, Math.max(sent, now))).toISOString();
};

/**
 * The provider events a real e-mail service would report for this message, decided by seeded draws (`draw`):
 * per recipient `bounced`, or `delivered` then maybe `opened`, `clicked` (only after an open) and `unsubscribed`.
 * Deterministic: the same message id and rates give the same events (ids `<messageId>:<n>:<kind>`), so a retry
 * reports the same events and the host stores each once; tests can compute the exact counts. Each is dated at or after
 * the send and never after `now`, the moment they are reported (`at`).
 */
export function simulatedEvents(
  messageId: string,
  recipients: readonly string[],
  recordedAt: string,
  rates: Engagement,
  now: number = Date.now(),
): ConnectorEvent[] {
  const events: ConnectorEvent[] = [];
  recipients.forEach((recipient, n) => {
    const event = (type: ConnectorEvent['type'], seconds: number, data: Record<string, unknown> = {}) =>
      events.push({
        id: `${messageId}:${n}:${type}`,
        type,
        messageId,
        recipient,
        occurredAt: at(recordedAt, seconds, now),
        data: { sandbox: true, ...data },
      });
    if (draw(messageId, recipient, 'bounced') < rates.bounce) {
      event('bounced', 0.001, { reason: 'simulated hard bounce' });
      return;
    }
    event('delivered', 0.001);
    const opened = draw(messageId, recipient, 'opened') < rates.open;
    if (opened) event('opened', 120);
    if (opened && draw(messageId, recipient, 'clicked') < rates.click) event('clicked', 180);
    if (draw(messageId, recipient, 'unsubscribed') < rates.unsubscribe) event('unsubscribed', 240);
  });
  return events;
}
