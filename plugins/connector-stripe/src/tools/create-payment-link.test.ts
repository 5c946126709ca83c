import { type StripeFake, startFake } from '@neonhub/fakes';
import { PluginManifestSchema } from '@neonhub/schemas';
import { createHarness } from '@neonhub/sdk/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import manifestJson from '../../plugin.json' with { type: 'json' };
import plugin from '../index.js';
import { webhook } from '../webhook.js';
import { createPaymentLink } from './create-payment-link.js';

let stripe: StripeFake;
const harness = (secretKey = stripe.apiKey) =>
  createHarness(plugin, {
    // ctx.fetch reaches declared hosts only: the fake's address stands in for api.stripe.com
    manifest: PluginManifestSchema.parse({ ...manifestJson, network: { hosts: [new URL(stripe.url).host] } }),
    config: { baseUrl: stripe.url },
    connection: { id: 'conn-1', label: 'Shop', credentials: { secretKey, webhookSecret: stripe.webhookSecret } },
  });
const link = { product: 'Spring bundle', amount: 49.5, currency: 'eur', campaign: 'spring-sale', variant: 'B', channel: 'email' };

beforeEach(async () => {
  await stripe?.close();
  stripe = await startFake('stripe');
});
afterAll(() => stripe.close());

describe('connector-stripe create_payment_link (the stripe client against the Stripe fake)', () => {
  it('creates a price in minor units and a payment link carrying the campaign, variant and channel as metadata', async () => {
    const r = await harness().run(createPaymentLink, link);
    expect(r).toMatchObject({ campaign: 'spring-sale', duplicate: false });
    expect(r.id).toMatch(/^plink_/);
    expect(r.url).toMatch(/^https:\/\/buy\.stripe\.com\//);
    const stored = stripe.links.get(r.id)!;
    expect(stored.metadata).toEqual({ neonhub_campaign: 'spring-sale', neonhub_variant: 'B', neonhub_channel: 'email' });
    const price = stripe.prices.get(stored.line_items[0]!.price)!;
    expect(price).toMatchObject({ unit_amount: 4950, currency: 'eur', product_name: 'Spring bundle' });
    const req = stripe.requests.find((q) => q.path === '/v1/payment_links')!;
    expect(req.headers.authorization).toBe(`Bearer ${stripe.apiKey}`);
    expect(req.headers['idempotency-key']).toMatch(/:link$/);
  });

  it('the same idempotency key creates one link; a different link under that key is refused', async () => {
    const h = harness();
    const first = await h.run(createPaymentLink, link, { idempotencyKey: 'k-1' });
    const second = await h.run(createPaymentLink, link, { idempotencyKey: 'k-1' });
    expect(second).toMatchObject({ id: first.id, duplicate: true });
    expect(stripe.links.size).toBe(1);
    await expect(h.run(createPaymentLink, { ...link, amount: 10 }, { idempotencyKey: 'k-1' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_IDEMPOTENCY_CONFLICT',
    });
    expect(stripe.links.size).toBe(1);
  });

  it('a wrong key is NH_CONNECTOR_AUTH_FAILED, an outage NH_CONNECTOR_UNAVAILABLE, bad input NH_SDK_INPUT_INVALID; nothing created', async () => {
    await expect(harness('sk_test_wrong').run(createPaymentLink, link)).rejects.toMatchObject({ code: 'NH_CONNECTOR_AUTH_FAILED' });
    stripe.faults.add({ status: 503, json: { error: { type: 'api_error', message: 'Stripe is down' } } });
    await expect(harness().run(createPaymentLink, link)).rejects.toMatchObject({ code: 'NH_CONNECTOR_UNAVAILABLE' });
    await expect(harness().run(createPaymentLink, { ...link, amount: 1.234 })).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
    await expect(harness().run(createPaymentLink, { ...link, currency: 'EURO' })).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
    expect(stripe.links.size).toBe(0);
  });
});

describe('connector-stripe webhook', () => {
  const parse = (body: string) =>
    webhook.parse({ method: 'POST', headers: {}, body, query: {} }, { connection: undefined as never, logger: console as never });

  it('a paid checkout through a link is one converted event: value, currency, campaign, variant, click token, e-mail', async () => {
    const r = await harness().run(createPaymentLink, { ...link, quantity: 2 });
    let body = '';
    const server = await import('node:http').then(
      (http) =>
        new Promise<import('node:http').Server>((resolve) => {
          const s = http.createServer((req, res) => {
            let b = '';
            req.on('data', (c) => (b += c));
            req.on('end', () => {
              body = b;
              res.end('{}');
            });
          });
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    );
    try {
      const { address, port } = server.address() as import('node:net').AddressInfo;
      const { event, status } = await stripe.checkout(r.id, {
        email: 'Ada@Example.com',
        clientReferenceId: 'clk_123',
        to: `http://${address}:${port}/`,
      });
      expect(status).toBe(200);
      const events = await parse(body);
      expect(events).toEqual([
        {
          id: `checkout:${event.data.object.id}`,
          type: 'converted',
          recipient: 'ada@example.com',
          occurredAt: new Date(event.created * 1000).toISOString(),
          data: {
            value: 99,
            currency: 'eur',
            session: event.data.object.id,
            campaign: 'spring-sale',
            variant: 'B',
            channel: 'email',
            click: 'clk_123',
            paymentLink: r.id,
          },
        },
      ]);
    } finally {
      server.close();
    }
  });

  it('ignores unpaid sessions, other event types and bodies that are not JSON; zero-decimal currencies are not divided', async () => {
    const session = (o: Record<string, unknown>) =>
      JSON.stringify({ id: 'evt_1', type: 'checkout.session.completed', created: 1_700_000_000, data: { object: { id: 'cs_1', ...o } } });
    expect(await parse(session({ payment_status: 'unpaid', amount_total: 100, currency: 'usd' }))).toEqual([]);
    expect(await parse(JSON.stringify({ id: 'evt_2', type: 'invoice.paid', data: { object: {} } }))).toEqual([]);
    expect(await parse('not json')).toEqual([]);
    const [yen] = await parse(session({ payment_status: 'paid', amount_total: 5000, currency: 'jpy' }));
    expect(yen).toMatchObject({ type: 'converted', data: { value: 5000, currency: 'jpy' } });
  });
});
