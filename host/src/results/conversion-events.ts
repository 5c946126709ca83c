import { isNeonHubError } from '@neonhub/sdk';
import type { StoredConnectorEvent } from '../connections/events.js';
import type { Host } from '../host.js';
import { recordConversion } from './events.js';

const text = (v: unknown, max: number) => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined);

/**
 * A payment connector's `converted` event (Stripe's paid checkout) becomes a conversion in the results, with its
 * value: credited to the click when the payment carries a click token this workspace issued (the tracked link's
 * `client_reference_id`), else to the campaign/variant/channel the payment link was tagged with and the contact
 * with that e-mail. One conversion per provider event (dedupe key `conv:<plugin>:<event id>`). An event that
 * names no campaign and no known clicker is logged and skipped, never a webhook failure.
 */
export function conversionsFromEvents(host: Host) {
  const db = host.storage.db;
  return async (event: StoredConnectorEvent) => {
    if (event.type !== 'converted') return;
    const d = event.data;
    const base = {
      id: `${event.plugin}:${event.eventId}`,
      ...(typeof d.value === 'number' && Number.isFinite(d.value) ? { value: d.value } : {}),
      ...(event.recipient ? { email: event.recipient } : {}),
      ...(text(d.campaign, 200) ? { campaign: text(d.campaign, 200) } : {}),
      ...(text(d.variant, 100) ? { variant: text(d.variant, 100) } : {}),
      ...(text(d.channel, 50) ? { channel: text(d.channel, 50) } : {}),
      occurredAt: event.occurredAt,
    };
    const click = text(d.click, 200);
    try {
      try {
        await recordConversion(db, event.workspaceId, click ? { ...base, click } : base, `webhook:${event.plugin}`);
      } catch (err) {
        // a client_reference_id that is not one of our click tokens: credit the tagged campaign instead
        if (!click || !isNeonHubError(err) || err.code !== 'NH_RESULTS_CLICK_UNKNOWN') throw err;
        await recordConversion(db, event.workspaceId, base, `webhook:${event.plugin}`);
      }
    } catch (err) {
      host.logger.warn(
        { err, plugin: event.plugin, event: event.eventId },
        'a payment webhook could not be recorded as a conversion (no campaign tag and no known click or contact)',
      );
    }
  };
}
