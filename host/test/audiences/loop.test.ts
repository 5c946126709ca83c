import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootAccounts, signup } from '../accounts/helpers.js';

/**
 * The marketing loop on the sandbox path, over HTTP (app.inject) on PGlite: import contacts, segment them, send
 * to the segment through the pipeline (governance checks consent per recipient), follow a tracked link, convert
 * through the snippet's beacon, read the funnel and attribution; export and erase one person with the audit
 * chain still verifying; and another workspace sees none of it.
 */
let b: Awaited<ReturnType<typeof bootAccounts>>;
let owner: Awaited<ReturnType<typeof signup>>;
let outsider: Awaited<ReturnType<typeof signup>>;
const plugins = ['connector-email-sandbox', 'governance', 'data-trust'];
const SEND = 'connector-email-sandbox:send';

const req = async (headers: Record<string, string>, method: string, url: string, payload?: unknown) => {
  const r = await b.app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return {
    status: r.statusCode,
    body: r.body
      ? (() => {
          try {
            return JSON.parse(r.body);
          } catch {
            return r.body;
          }
        })()
      : undefined,
    headers: r.headers,
  };
};
const ok = async (p: ReturnType<typeof req>) => {
  const r = await p;
  if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

beforeAll(async () => {
  b = await bootAccounts({}, plugins);
  owner = await signup(b.app, 'owner');
  outsider = await signup(b.app, 'outsider');
  await ok(req(owner.auth, 'POST', '/api/workspaces', { slug: 'shop' }));
  await ok(req(outsider.auth, 'POST', '/api/workspaces', { slug: 'rival' }));
  for (const p of plugins) await ok(req(owner.auth, 'POST', `/api/workspaces/shop/plugins/${p}/enable`));
  await ok(req(outsider.auth, 'POST', '/api/workspaces/rival/plugins/connector-email-sandbox/enable'));
  await ok(
    req(owner.auth, 'POST', '/api/workspaces/shop/tools/governance:set_policy/call', {
      input: {
        policy: { requireApproval: { sideEffects: [] }, consent: { sends: [{ tool: SEND, channel: 'email', recipientPath: '/to' }] } },
      },
    }),
  );
}, 180_000);
afterAll(() => b?.close());

const GOOD_CSV =
  'email,phone,first_name,plan,lists,handle.x\nana@example.com,+1 415 555 0100,Ana,pro,VIP|Spring,@ana\nBOB@example.com,,Bob,free,Spring,\ncy@example.com,,Cy,pro,,\n';

describe('CSV import', () => {
  it('previews bad rows with coded errors and writes nothing for a file with any bad row', async () => {
    const csv = 'email,phone,plan\nana@example.com,,pro\nnot-an-email,,free\n,,free\nana@example.com,,x\nz@example.com,12,too,many\n';
    const preview = await ok(req(owner.auth, 'POST', '/api/workspaces/shop/contacts/import', { csv, dryRun: true }));
    expect(preview.rows).toBe(5);
    expect(preview.valid).toBe(1);
    expect(preview.errors.map((e: { row: number; code: string }) => [e.row, e.code])).toEqual([
      [3, 'NH_AUDIENCE_ROW_INVALID'],
      [4, 'NH_AUDIENCE_ROW_NO_ADDRESS'],
      [5, 'NH_AUDIENCE_ROW_DUPLICATE'],
      [6, 'NH_AUDIENCE_ROW_INVALID'],
    ]);
    expect(preview.errors[0].field).toBe('email');
    const commit = await req(owner.auth, 'POST', '/api/workspaces/shop/contacts/import', { csv, dryRun: false });
    expect(commit.status).toBe(400);
    expect(commit.body.error.code).toBe('NH_AUDIENCE_IMPORT_REJECTED');
    expect(commit.body.error.details.errors).toHaveLength(4);
    const list = await ok(req(owner.auth, 'GET', '/api/workspaces/shop/contacts'));
    expect(list.total).toBe(0);
  });

  it('an unreadable file or one without an address column is refused with its code', async () => {
    const broken = await req(owner.auth, 'POST', '/api/workspaces/shop/contacts/import', {
      csv: 'email,plan\n"ana@example.com,pro\n',
      dryRun: true,
    });
    expect(broken.body.error.code).toBe('NH_AUDIENCE_CSV_INVALID');
    const noAddress = await req(owner.auth, 'POST', '/api/workspaces/shop/contacts/import', { csv: 'name,plan\nAna,pro\n', dryRun: true });
    expect(noAddress.body.error.code).toBe('NH_AUDIENCE_CSV_NO_ADDRESS_COLUMN');
  });

  it('imports a good file in one go: contacts, attributes, handles and lists by name', async () => {
    const r = await ok(req(owner.auth, 'POST', '/api/workspaces/shop/contacts/import', { csv: GOOD_CSV, dryRun: false, list: 'Imported' }));
    expect([r.created, r.updated, r.errors.length]).toEqual([3, 0, 0]);
    const { contacts } = await ok(req(owner.auth, 'GET', '/api/workspaces/shop/contacts?q=ana'));
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({
      email: 'ana@example.com',
      phone: '+14155550100',
      handles: { x: '@ana' },
      attributes: { first_name: 'Ana', plan: 'pro' },
    });
    const { lists } = await ok(req(owner.auth, 'GET', '/api/workspaces/shop/lists'));
    expect(Object.fromEntries(lists.map((l: { name: string; size: number }) => [l.name, l.size]))).toEqual({
      Imported: 3,
      Spring: 2,
      VIP: 1,
    });
    // importing again updates, never duplicates
    const again = await ok(req(owner.auth, 'POST', '/api/workspaces/shop/contacts/import', { csv: GOOD_CSV, dryRun: false }));
    expect([again.created, again.updated]).toEqual([0, 3]);
  });
});

describe('the loop on the sandbox path', () => {
  let segmentId = '';
  let ana = '';
  it('a segment sends through the pipeline; governance checks consent per recipient', async () => {
    const seg = await ok(
      req(owner.auth, 'POST', '/api/workspaces/shop/segments', {
        name: 'Pro plan',
        rule: { match: 'all', conditions: [{ field: 'attribute', key: 'plan', op: 'eq', value: 'pro' }] },
      }),
    );
    segmentId = seg.segment.id;
    expect(seg.segment.size).toBe(2);
    const send = {
      tool: SEND,
      campaign: 'spring-sale',
      variant: 'A',
      input: { subject: 'Spring sale', text: 'Hello! Shop now: {{link:https://shop.example/sale?ref=mail}}' },
    };
    // no consent recorded yet: governance refuses each recipient, nothing is sent or counted
    const refused = await ok(req(owner.auth, 'POST', `/api/workspaces/shop/segments/${segmentId}/send`, send));
    expect(refused).toMatchObject({ recipients: 2, sent: 0 });
    expect(refused.refused.map((r: { code: string }) => r.code)).toEqual(['NH_GOV_CONSENT_MISSING', 'NH_GOV_CONSENT_MISSING']);
    for (const contact of ['ana@example.com', 'cy@example.com'])
      await ok(
        req(owner.auth, 'POST', '/api/workspaces/shop/tools/governance:record_consent/call', {
          input: { contact, channel: 'email', status: 'granted', source: 'signup form' },
        }),
      );
    await ok(req(owner.auth, 'POST', '/api/workspaces/shop/suppressions', { channel: 'email', value: 'CY@example.com' }));
    const sent = await ok(req(owner.auth, 'POST', `/api/workspaces/shop/segments/${segmentId}/send`, send));
    expect(sent).toMatchObject({ recipients: 2, sent: 1, suppressed: 1, refused: [] });
    // sending again sends and counts nothing twice (same idempotency keys, same links)
    await ok(req(owner.auth, 'POST', `/api/workspaces/shop/segments/${segmentId}/send`, send));
    const f = await ok(req(owner.auth, 'GET', '/api/workspaces/shop/campaigns/spring-sale/funnel'));
    expect(f.totals).toMatchObject({ sent: 1, delivered: 1, clicked: 0 });
  });

  it('a tracked link click is attributed to campaign, variant and contact; the snippet conversion follows it', async () => {
    const outbox = await ok(req(owner.auth, 'POST', '/api/workspaces/shop/tools/connector-email-sandbox:outbox/call', { input: {} })).catch(
      () => null,
    );
    const { contacts } = await ok(req(owner.auth, 'GET', '/api/workspaces/shop/contacts?q=ana'));
    ana = contacts[0].id;
    const exported = await ok(req(owner.auth, 'GET', `/api/workspaces/shop/contacts/${ana}/export`));
    const link = exported.trackedLinks[0];
    expect(link).toMatchObject({ campaign: 'spring-sale', variant: 'A', channel: 'email', contact_id: ana });
    // the message the sandbox recorded carries the recipient's own link
    const message = exported.pluginRecords.find((r: { plugin: string }) => r.plugin === 'connector-email-sandbox');
    expect(JSON.stringify(message.value)).toContain(`/r/${link.code}`);
    void outbox;

    const click = await req({}, 'GET', `/r/${link.code}`);
    expect(click.status).toBe(302);
    const to = new URL(click.headers.location as string);
    expect(to.origin + to.pathname).toBe('https://shop.example/sale');
    expect(Object.fromEntries(to.searchParams)).toMatchObject({
      ref: 'mail',
      utm_source: 'neonhub',
      utm_medium: 'email',
      utm_campaign: 'spring-sale',
      utm_content: 'A',
    });
    const token = to.searchParams.get('nh_click') as string;

    const snippet = await req({}, 'GET', '/t/shop/snippet.js');
    expect(snippet.headers['content-type']).toContain('javascript');
    expect(String(snippet.body)).toContain('/t/shop/convert');
    const beacon = await b.app.inject({
      method: 'POST',
      url: '/t/shop/convert',
      headers: { 'content-type': 'text/plain', origin: 'https://shop.example' },
      payload: JSON.stringify({ click: token, id: 'order-1', value: 42 }),
    });
    expect(beacon.statusCode).toBe(204);
    expect(beacon.headers['access-control-allow-origin']).toBe('*');
    const forged = await b.app.inject({
      method: 'POST',
      url: '/t/shop/convert',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ click: 'A'.repeat(24), value: 1000 }),
    });
    expect(JSON.parse(forged.body).error.code).toBe('NH_RESULTS_CLICK_UNKNOWN');

    const f = await ok(req(owner.auth, 'GET', '/api/workspaces/shop/campaigns/spring-sale/funnel'));
    expect(f.totals).toMatchObject({ sent: 1, delivered: 1, opened: 0, clicked: 1, converted: 1 });
    expect(f.rows).toHaveLength(1);
    expect(f.rows[0]).toMatchObject({ variant: 'A', channel: 'email' });
    expect(f.rows[0].clickRate.low).toBeLessThan(f.rows[0].clickRate.mean);

    const events = (await ok(req(owner.auth, 'GET', `/api/workspaces/shop/contacts/${ana}/export`))).events;
    expect(events.map((e: { kind: string }) => e.kind)).toEqual(['sent', 'delivered', 'clicked', 'converted']);
    expect(events.every((e: { contact_id: string; campaign: string }) => e.contact_id === ana && e.campaign === 'spring-sale')).toBe(true);

    const attr = await ok(req(owner.auth, 'GET', '/api/workspaces/shop/attribution'));
    expect(attr.conversions).toBe(1);
    expect(attr.rows).toEqual([
      {
        campaign: 'spring-sale',
        channel: 'email',
        firstTouch: 1,
        lastTouch: 1,
        linear: 1,
        value: { firstTouch: 42, lastTouch: 42, linear: 42 },
      },
    ]);
  });

  it('provider events match their send by messageId; an unsubscribe suppresses the address', async () => {
    const exported = await ok(req(owner.auth, 'GET', `/api/workspaces/shop/contacts/${ana}/export`));
    const messageId = exported.events.find((e: { kind: string }) => e.kind === 'sent').message_id;
    const events = [
      { id: 'p-1', type: 'opened', messageId, occurredAt: new Date().toISOString(), data: {} },
      { id: 'p-2', type: 'unsubscribed', messageId, recipient: 'ana@example.com', occurredAt: new Date().toISOString(), data: {} },
      { id: 'p-3', type: 'opened', messageId: 'unknown-message', occurredAt: new Date().toISOString(), data: {} },
    ];
    expect(await ok(req(owner.auth, 'POST', '/api/workspaces/shop/events', { events }))).toEqual({
      recorded: 2,
      duplicates: 0,
      unmatched: 1,
    });
    expect(await ok(req(owner.auth, 'POST', '/api/workspaces/shop/events', { events: events.slice(0, 1) }))).toEqual({
      recorded: 0,
      duplicates: 1,
      unmatched: 0,
    });
    const f = await ok(req(owner.auth, 'GET', '/api/workspaces/shop/campaigns/spring-sale/funnel'));
    expect(f.totals.opened).toBe(1);
    const { suppressions } = await ok(req(owner.auth, 'GET', '/api/workspaces/shop/suppressions'));
    expect(suppressions.map((s: { value: string; reason: string }) => `${s.value}:${s.reason}`)).toContain('ana@example.com:unsubscribed');
  });

  it('another workspace sees none of it and cannot reach it by id', async () => {
    const h = outsider.auth;
    expect((await req(h, 'GET', `/api/workspaces/shop/contacts/${ana}`)).status).toBe(404);
    expect((await req(h, 'GET', `/api/workspaces/rival/contacts/${ana}`)).body.error.code).toBe('NH_AUDIENCE_CONTACT_NOT_FOUND');
    expect((await req(h, 'GET', `/api/workspaces/rival/contacts/${ana}/export`)).body.error.code).toBe('NH_AUDIENCE_CONTACT_NOT_FOUND');
    expect((await req(h, 'DELETE', `/api/workspaces/rival/contacts/${ana}`)).body.error.code).toBe('NH_AUDIENCE_CONTACT_NOT_FOUND');
    expect(
      (await req(h, 'POST', `/api/workspaces/rival/segments/${segmentId}/send`, { tool: SEND, campaign: 'x', input: {} })).body.error.code,
    ).toBe('NH_AUDIENCE_SEGMENT_NOT_FOUND');
    expect(
      (await req(h, 'POST', '/api/workspaces/rival/links', { url: 'https://x.example', campaign: 'x', contactIds: [ana] })).body.error.code,
    ).toBe('NH_AUDIENCE_CONTACT_NOT_FOUND');
    expect((await req(h, 'POST', '/api/workspaces/rival/conversions', { contactId: ana })).body.error.code).toBe(
      'NH_AUDIENCE_CONTACT_NOT_FOUND',
    );
    expect((await ok(req(h, 'GET', '/api/workspaces/rival/contacts'))).total).toBe(0);
    expect((await ok(req(h, 'GET', '/api/workspaces/rival/campaigns/spring-sale/funnel'))).rows).toEqual([]);
    expect((await ok(req(h, 'GET', '/api/workspaces/rival/attribution'))).conversions).toBe(0);
  });

  it('only links a workspace created redirect, and only to http(s)', async () => {
    expect((await req({}, 'GET', '/r/nosuchcode1')).body.error.code).toBe('NH_RESULTS_LINK_NOT_FOUND');
    const bad = await req(owner.auth, 'POST', '/api/workspaces/shop/links', { url: 'javascript:alert(1)', campaign: 'x' });
    expect(bad.body.error.code).toBe('NH_REQUEST_INVALID');
  });
});

describe('export and erasure of one person', () => {
  it('export returns every row about the contact; erasure removes them and the audit chain still verifies', async () => {
    const { contacts } = await ok(req(owner.auth, 'GET', '/api/workspaces/shop/contacts?q=ana'));
    const ana = contacts[0].id;
    const exported = await ok(req(owner.auth, 'GET', `/api/workspaces/shop/contacts/${ana}/export`));
    expect(exported.lists.map((l: { name: string }) => l.name).sort()).toEqual(['Imported', 'Spring', 'VIP']);
    const plugins = new Set(exported.pluginRecords.map((r: { plugin: string; collection: string }) => `${r.plugin}/${r.collection}`));
    // governance's consent state and log and send log, the sandbox outbox: every plugin that stored the address
    expect([...plugins].sort()).toEqual(
      expect.arrayContaining(['connector-email-sandbox/outbox', 'governance/consent', 'governance/consent_log', 'governance/sends']),
    );
    expect(exported.events.map((e: { kind: string }) => e.kind)).toEqual([
      'sent',
      'delivered',
      'clicked',
      'converted',
      'opened',
      'unsubscribed',
    ]);

    const erased = await ok(req(owner.auth, 'DELETE', `/api/workspaces/shop/contacts/${ana}`));
    expect(erased.erased).toMatchObject({ contacts: 1, anonymizedEvents: 6, trackedLinks: 1 });
    expect(erased.erased.pluginRecords).toBe(exported.pluginRecords.length);
    expect(erased.tombstone?.seq).toBeGreaterThan(0);

    expect((await req(owner.auth, 'GET', `/api/workspaces/shop/contacts/${ana}`)).status).toBe(404);
    const rows = await b.host.storage.db
      .selectFrom('plugin_records')
      .select(['plugin_id', 'key'])
      .where(({ eb, ref }) => eb.or([eb(ref('key'), 'like', '%ana@example.com%')]))
      .execute();
    expect(rows).toEqual([]);
    const texts = await b.host.storage.db.selectFrom('plugin_records').select('value').execute();
    expect(texts.some((t) => JSON.stringify(t.value).includes('ana@example.com'))).toBe(false);
    // the funnel still counts what happened, anonymously
    const f = await ok(req(owner.auth, 'GET', '/api/workspaces/shop/campaigns/spring-sale/funnel'));
    expect(f.totals).toMatchObject({ sent: 1, clicked: 1, converted: 1 });
    // the address stays suppressed, as a hash only
    const { suppressions } = await ok(req(owner.auth, 'GET', '/api/workspaces/shop/suppressions'));
    expect(suppressions.some((s: { value: string | null }) => s.value === 'ana@example.com')).toBe(false);
    // e-mail (already suppressed by the unsubscribe, now without its value) and phone (new, reason erased)
    expect(
      suppressions
        .filter((s: { value: string | null }) => s.value === null)
        .map((s: { channel: string; reason: string }) => `${s.channel}:${s.reason}`)
        .sort(),
    ).toEqual(['email:unsubscribed', 'sms:erased']);

    const verify = await ok(req(owner.auth, 'POST', '/api/workspaces/shop/tools/data-trust:verify/call', { input: {} }));
    expect(verify.output.ok).toBe(true);
    expect(verify.output.count).toBeGreaterThan(erased.tombstone.seq - 1);
  });
});
