import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { bearer, createFaults, type FakeRequest, type FakeResponse, serveFake } from './http.js';
import { type FakeConnection, postWebhook } from './webhook.js';

/** A payment link the fake created (POST /v1/payment_links), in Stripe's API shape (the fields NeonHub reads). */
export interface StripeFakePaymentLink {
  id: string;
  object: 'payment_link';
  active: boolean;
  url: string;
  livemode: false;
  metadata: Record<string, string>;
  line_items: { price: string; quantity: number }[];
}

interface Price {
  id: string;
  object: 'price';
  unit_amount: number;
  currency: string;
  product: string;
  product_name: string;
}

export interface StripeFakeOptions {
  port?: number;
  /** The secret key the fake accepts (default `sk_test_fake`). */
  apiKey?: string;
  /** The webhook endpoint's signing secret (default: a random `whsec_...`). */
  webhookSecret?: string;
  /** Where `checkout()` posts its signed checkout.session.completed event. */
  webhookUrl?: string;
}

const stripeError = (status: number, message: string, param?: string): FakeResponse => ({
  status,
  json: { error: { type: 'invalid_request_error', message, ...(param ? { param } : {}) } },
});

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

/** Stripe's bracketed form fields (`line_items[0][price]`, `metadata[k]`) of one prefix. */
function indexed(form: URLSearchParams, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of form) if (k.startsWith(`${prefix}[`)) out.set(k.slice(prefix.length), v);
  return out;
}

/**
 * A local Stripe API for the connector: POST /v1/prices (with product_data), POST /v1/payment_links, GET
 * /v1/payment_links/:id, the Idempotency-Key replay rule, Stripe's error bodies, and `checkout()` — a customer
 * paying through a link — posting a Stripe-signed `checkout.session.completed` event the way Stripe does.
 */
export async function startStripeFake(opts: StripeFakeOptions = {}) {
  const apiKey = opts.apiKey ?? 'sk_test_fake';
  const webhookSecret = opts.webhookSecret ?? `whsec_${randomBytes(24).toString('hex')}`;
  const prices = new Map<string, Price>();
  const links = new Map<string, StripeFakePaymentLink>();
  const idempotency = new Map<string, { body: string; response: FakeResponse }>();
  const faults = createFaults();

  function handle(req: FakeRequest): FakeResponse {
    if (bearer(req) !== apiKey) return stripeError(401, `Invalid API Key provided: ${(bearer(req) ?? '').slice(0, 8)}***`);
    const form = req.form;
    if (req.method === 'POST' && req.path === '/v1/prices') {
      const unitAmount = Number(form.get('unit_amount'));
      if (!Number.isInteger(unitAmount) || unitAmount < 0) return stripeError(400, 'Invalid integer: unit_amount', 'unit_amount');
      const currency = form.get('currency') ?? '';
      if (!/^[a-z]{3}$/.test(currency)) return stripeError(400, `Invalid currency: ${currency}`, 'currency');
      const name = form.get('product_data[name]') ?? '';
      if (!name) return stripeError(400, 'Missing required param: product_data[name].', 'product_data[name]');
      const price: Price = { id: id('price'), object: 'price', unit_amount: unitAmount, currency, product: id('prod'), product_name: name };
      prices.set(price.id, price);
      return { json: price };
    }
    if (req.method === 'POST' && req.path === '/v1/payment_links') {
      const items = indexed(form, 'line_items');
      const price = items.get('[0][price]');
      if (!price || !prices.has(price)) return stripeError(400, `No such price: '${price ?? ''}'`, 'line_items[0][price]');
      const metadata = Object.fromEntries([...indexed(form, 'metadata')].map(([k, v]) => [k.slice(1, -1), v]));
      const link: StripeFakePaymentLink = {
        id: id('plink'),
        object: 'payment_link',
        active: true,
        url: `https://buy.stripe.com/test_${randomBytes(9).toString('hex')}`,
        livemode: false,
        metadata,
        line_items: [{ price, quantity: Number(items.get('[0][quantity]') ?? 1) }],
      };
      links.set(link.id, link);
      return { json: link };
    }
    const m = /^\/v1\/payment_links\/([^/]+)$/.exec(req.path);
    if (req.method === 'GET' && m) {
      const link = links.get(m[1]!);
      return link ? { json: link } : stripeError(404, `No such payment_link: '${m[1]}'`, 'id');
    }
    return stripeError(404, `Unrecognized request URL (${req.method}: ${req.path}).`);
  }

  const server = await serveFake(
    (req) => {
      const forced = faults.next(req);
      if (forced) return forced;
      // Stripe replays the first answer for a repeated Idempotency-Key with the same parameters, refuses different ones
      const key = req.headers['idempotency-key'];
      const body = req.body.toString('utf8');
      if (key && req.method === 'POST') {
        const seen = idempotency.get(`${req.path} ${key}`);
        if (seen)
          return seen.body === body
            ? { ...seen.response, headers: { ...seen.response.headers, 'idempotent-replayed': 'true' } }
            : stripeError(
                400,
                'Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than ' +
                  `'${key}' if you meant to execute a different request.`,
              );
        const response = handle(req);
        if ((response.status ?? 200) < 500) idempotency.set(`${req.path} ${key}`, { body, response });
        return response;
      }
      return handle(req);
    },
    { port: opts.port },
  );

  /** Signs an event with the endpoint secret (Stripe-Signature) and posts it; resolves with the receiver's status. */
  async function deliver(event: { id: string }, to = opts.webhookUrl): Promise<number> {
    if (!to) throw new Error('a Stripe webhook needs a URL (the webhookUrl option or `to`)');
    const payload = JSON.stringify(event);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret });
    return postWebhook(to, payload, { 'content-type': 'application/json', 'stripe-signature': signature });
  }

  const connection: FakeConnection = {
    plugin: 'connector-stripe',
    config: { baseUrl: server.url },
    credentials: { secretKey: apiKey, webhookSecret },
    account: { id: 'acct_fake', name: 'Stripe test account' },
  };

  return {
    ...server,
    apiKey,
    webhookSecret,
    connection,
    faults,
    prices,
    links,
    /**
     * A customer pays through a payment link: builds the `checkout.session.completed` event Stripe sends (the
     * link's metadata copied to the session, `client_reference_id` from the link URL's query), signs it with the
     * endpoint secret and posts it to `webhookUrl` (or `opts.to`). Returns the event and the receiver's status.
     */
    async checkout(linkId: string, c: { email: string; clientReferenceId?: string; to?: string; eventId?: string }) {
      const link = links.get(linkId);
      if (!link) throw new Error(`no payment link ${linkId}`);
      const price = prices.get(link.line_items[0]!.price)!;
      const amount = price.unit_amount * link.line_items[0]!.quantity;
      const created = Math.floor(Date.now() / 1000);
      const event = {
        id: c.eventId ?? id('evt'),
        object: 'event',
        api_version: Stripe.API_VERSION,
        created,
        livemode: false,
        type: 'checkout.session.completed',
        data: {
          object: {
            id: id('cs_test'),
            object: 'checkout.session',
            mode: 'payment',
            payment_link: link.id,
            payment_status: 'paid',
            status: 'complete',
            amount_total: amount,
            currency: price.currency,
            client_reference_id: c.clientReferenceId ?? null,
            customer_details: { email: c.email },
            metadata: link.metadata,
            created,
          },
        },
      };
      return { event, status: await deliver(event, c.to) };
    },
    /** Signs and posts an event again, as Stripe retries a delivery it thinks failed (the same event id and body). */
    deliver,
  };
}
export type StripeFake = Awaited<ReturnType<typeof startStripeFake>>;
