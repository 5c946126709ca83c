import type { AddressInfo } from 'node:net';
import { type StripeFake, startFake } from '@neonhub/fakes';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bootAccounts, signup } from '../accounts/helpers.js';

/**
 * Payments as conversions, end to end on PGlite: connector-stripe (the stripe client against the Stripe fake)
 * creates a payment link tagged with a campaign; a tracked link to it hands the click token to Stripe as
 * client_reference_id; the fake's Stripe-signed checkout.session.completed reaches /hooks/connector-stripe/<conn>
 * over real HTTP; the host verifies it with the `stripe` package and records one conversion with its value,
 * credited to the click's campaign, variant and contact. A replay, a forged signature and a payment without a
 * click are checked too.
 */
let b: Awaited<ReturnType<typeof bootAccounts>>;
let owner: Awaited<ReturnType<typeof signup>>;
let stripe: StripeFake;
let base: string;
let connection: string;
/** Each test's own workspace (slug, id, its API prefix `ws`) with connector-stripe connected to the fake. */
let slug: string;
let workspaceId: string;
let ws: string;
let made = 0;

const req = async (method: string, url: string, payload?: unknown, headers: Record<string, string> = owner.auth) => {
  // the host listens on a real port (the fake posts webhooks to it), so requests name that port
  const r = await b.app.inject({
    method: method as 'GET',
    url,
    headers: { host: new URL(base).host, ...headers },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : undefined, headers: r.headers };
};
const ok = async (p: ReturnType<typeof req>) => {
  const r = await p;
  if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
const conversions = async () =>
  b.host.storage.db
    .selectFrom('result_events')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'converted')
    .orderBy('id')
    .execute();

beforeAll(async () => {
  stripe = await startFake('stripe');
  b = await bootAccounts({}, ['connector-stripe']);
  owner = await signup(b.app, 'owner');
  await b.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(b.app.server.address() as AddressInfo).port}`;
}, 180_000);
afterAll(async () => {
  await b?.close();
  await stripe?.close();
});

beforeEach(async () => {
  slug = `shop-${++made}`;
  ws = `/api/workspaces/${slug}`;
  workspaceId = (await ok(req('POST', '/api/workspaces', { slug }))).workspace.id;
  await ok(req('POST', `${ws}/plugins/connector-stripe/enable`));
  await ok(req('PUT', `${ws}/plugins/connector-stripe/config`, { config: { baseUrl: stripe.url } }));
  // the fake listens on loopback: the operator allow-lists it for this workspace (as for any private address)
  await b.host.storage.outbound.set(slug, { allow: [new URL(stripe.url).host] });
  connection = (
    await ok(
      req('POST', `${ws}/connections`, {
        plugin: 'connector-stripe',
        label: 'Shop',
        fields: { secretKey: stripe.apiKey, webhookSecret: stripe.webhookSecret },
      }),
    )
  ).connection.id;
}, 60_000);

describe('Stripe payments become conversions', () => {
  /**
   * A payment link tagged with the campaign, a contact, and a click through a tracked link to it: the click token it
   * passes to Stripe as client_reference_id.
   */
  async function clickedLink() {
    const made = await ok(
      req('POST', `${ws}/tools/connector-stripe:create_payment_link/call`, {
        input: { product: 'Spring bundle', amount: 49.5, currency: 'eur', campaign: 'spring-sale', variant: 'B', channel: 'email' },
      }),
    );
    const contact = await ok(req('POST', `${ws}/contacts`, { email: 'ada@example.com' }));
    const { links } = await ok(
      req('POST', `${ws}/links`, {
        url: made.output.url,
        campaign: 'spring-sale',
        variant: 'B',
        channel: 'email',
        contactIds: [contact.contact.id],
      }),
    );
    const click = await req('GET', `/r/${links[0].code}`, undefined, {});
    expect(click.status).toBe(302);
    const to = new URL(click.headers.location as string);
    return {
      linkId: made.output.id as string,
      contactId: contact.contact.id as string,
      to,
      token: to.searchParams.get('nh_click') as string,
    };
  }

  it('a payment link tagged with the campaign; the tracked link to it passes the click token as client_reference_id', async () => {
    const { to, token } = await clickedLink();
    expect(token).toBeTruthy();
    expect(to.searchParams.get('client_reference_id')).toBe(token);
  });

  it("the signed checkout webhook records one conversion with its value, credited to the click's campaign, variant and contact", async () => {
    const { linkId, token, contactId } = await clickedLink();
    const paid = await stripe.checkout(linkId, {
      email: 'ada@example.com',
      clientReferenceId: token,
      to: `${base}/hooks/connector-stripe/${connection}`,
      eventId: 'evt_paid_1',
    });
    expect(paid.status).toBe(200);
    const rows = await conversions();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ campaign: 'spring-sale', variant: 'B', channel: 'email', contact_id: contactId, value: 49.5 });
    expect(rows[0]!.source).toBe('webhook:connector-stripe');
    const funnel = await ok(req('GET', `${ws}/campaigns/spring-sale/funnel`));
    expect(JSON.stringify(funnel)).toContain('"converted"');

    // Stripe retries a webhook it thinks failed: the same event stores nothing new
    expect(await stripe.deliver(paid.event, `${base}/hooks/connector-stripe/${connection}`)).toBe(200);
    expect(await conversions()).toHaveLength(1);
  });

  it('a payment without a click token is credited to the tagged campaign and the contact with that e-mail', async () => {
    const { linkId, contactId } = await clickedLink();
    await stripe.checkout(linkId, { email: 'Ada@Example.com', to: `${base}/hooks/connector-stripe/${connection}` });
    const rows = await conversions();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ campaign: 'spring-sale', variant: 'B', channel: 'email', contact_id: contactId, value: 49.5 });
  });

  it('a forged or stale signature is refused with its code and records nothing', async () => {
    const body = JSON.stringify({ id: 'evt_forged', type: 'checkout.session.completed', data: { object: { payment_status: 'paid' } } });
    const forged = await fetch(`${base}/hooks/connector-stripe/${connection}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
      body,
    });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('NH_WEBHOOK_SIGNATURE_INVALID');
    const stale = await fetch(`${base}/hooks/connector-stripe/${connection}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': `t=${Math.floor(Date.now() / 1000) - 3600},v1=${'0'.repeat(64)}` },
      body,
    });
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe('NH_WEBHOOK_TIMESTAMP_STALE');
    expect(await conversions()).toHaveLength(0);
  });
});
