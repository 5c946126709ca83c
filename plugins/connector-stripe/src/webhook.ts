import type { ConnectorEvent } from '@neonhub/schemas';
import type { WebhookHandler } from '@neonhub/sdk';
import { METADATA } from './tools/create-payment-link.js';

/** Stripe's zero-decimal currencies: their amounts are not in cents (docs.stripe.com/currencies#zero-decimal). */
const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);

interface CheckoutSession {
  id?: string;
  payment_status?: string;
  amount_total?: number | null;
  currency?: string | null;
  client_reference_id?: string | null;
  customer_details?: { email?: string | null } | null;
  customer_email?: string | null;
  metadata?: Record<string, string> | null;
  payment_link?: string | null;
}

/**
 * Parses a Stripe event (the host verified Stripe-Signature with the connection's webhookSecret): a paid
 * `checkout.session.completed` or `checkout.session.async_payment_succeeded` is one `converted` event, with the
 * amount, the currency, the campaign/variant/channel from the payment link's metadata, the click token from
 * client_reference_id and the customer's e-mail. Other event types (and unpaid sessions) are acknowledged and
 * not stored.
 */
export const webhook: WebhookHandler = {
  parse(request) {
    let event: { id?: string; type?: string; created?: number; data?: { object?: CheckoutSession } };
    try {
      event = JSON.parse(request.body);
    } catch {
      return [];
    }
    if (event.type !== 'checkout.session.completed' && event.type !== 'checkout.session.async_payment_succeeded') return [];
    const session = event.data?.object;
    if (!event.id || !session || session.payment_status !== 'paid') return [];
    const currency = (session.currency ?? '').toLowerCase();
    const data: Record<string, unknown> = { currency, session: session.id };
    if (typeof session.amount_total === 'number')
      data.value = ZERO_DECIMAL.has(currency) ? session.amount_total : session.amount_total / 100;
    const meta = session.metadata ?? {};
    if (meta[METADATA.campaign]) data.campaign = meta[METADATA.campaign];
    if (meta[METADATA.variant]) data.variant = meta[METADATA.variant];
    if (meta[METADATA.channel]) data.channel = meta[METADATA.channel];
    if (session.client_reference_id) data.click = session.client_reference_id;
    if (session.payment_link) data.paymentLink = session.payment_link;
    const email = session.customer_details?.email ?? session.customer_email;
    const converted: ConnectorEvent = {
      // one conversion per session, whichever of the two events reports it first
      id: `checkout:${session.id ?? event.id}`,
      type: 'converted',
      ...(email ? { recipient: email.toLowerCase() } : {}),
      occurredAt: new Date((event.created ?? Math.floor(Date.now() / 1000)) * 1000).toISOString(),
      data,
    };
    return [converted];
  },
};
