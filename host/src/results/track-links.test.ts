import { createDatabase, type Database, migrate } from '@neonhub/db';
import type { PluginManifest } from '@neonhub/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followLink } from './links.js';
import { createSendAttributor } from './sent.js';
import { trackLinks } from './track-links.js';

const BASE = 'https://nh.test';
let n = 0;
const codes = async (url: string) => `c${++n}-${new URL(url).hostname}`;

describe('trackLinks: the links of a message', () => {
  it('tracks placeholders, hrefs and bare URLs in text, each URL once; leaves images, media fields and addresses', async () => {
    n = 0;
    const out = (await trackLinks(
      {
        to: 'ann@x.test',
        subject: 'Spring sale',
        text: 'Shop https://shop.test/sale. Or {{link:https://shop.test/b}} (see https://shop.test/sale)',
        html: '<p><a href="https://shop.test/sale">Shop</a> <img src="https://cdn.test/i.png"> https://raw.test/x</p>',
        mediaUrls: ['https://cdn.test/photo.jpg'],
        link: 'https://shop.test/preview',
        nested: [{ body: 'at https://deep.test/p?q=1, today' }],
        count: 3,
      },
      BASE,
      codes,
    )) as Record<string, unknown>;
    expect(out.to).toBe('ann@x.test');
    expect(out.text).toBe('Shop https://nh.test/r/c2-shop.test. Or https://nh.test/r/c1-shop.test (see https://nh.test/r/c2-shop.test)');
    // in HTML only hrefs: an image's src (an open, not a click) and text inside markup stay
    expect(out.html).toBe('<p><a href="https://nh.test/r/c3-shop.test">Shop</a> <img src="https://cdn.test/i.png"> https://raw.test/x</p>');
    expect(out.mediaUrls).toEqual(['https://cdn.test/photo.jpg']);
    expect(out.link).toBe('https://shop.test/preview');
    expect(out.nested).toEqual([{ body: 'at https://nh.test/r/c4-deep.test, today' }]);
    expect(out.count).toBe(3);
  });

  it('leaves links that are already tracked by this host', async () => {
    expect(await trackLinks({ text: 'go https://nh.test/r/abc now' }, BASE, codes)).toEqual({ text: 'go https://nh.test/r/abc now' });
  });
});

describe("a draft's send: its links are tracked for the draft, and a click is the draft's", () => {
  let database: Database;
  let workspaceId: string;
  const connector = { id: 'connector-email-sandbox', connector: { channels: ['email'], networks: [] } } as unknown as PluginManifest;
  const attribute = () =>
    createSendAttributor(database.db, (id) => (id === connector.id ? connector : undefined), {
      publicUrl: BASE,
      localUrl: 'http://localhost:1',
    });

  beforeAll(async () => {
    database = await createDatabase({ memory: true });
    await migrate(database.db);
    workspaceId = (await database.db.insertInto('workspaces').values({ slug: 'a', name: 'a' }).returning('id').executeTakeFirstOrThrow())
      .id;
    await database.db.insertInto('contacts').values({ workspace_id: workspaceId, email: 'ann@x.test' }).execute();
  }, 60_000);
  afterAll(() => database?.close());

  const input = { to: 'ann@x.test', subject: 'Sale', text: 'Shop now: https://shop.test/sale', campaign: 'spring' };

  it('wraps the links with the draft and prompt variant; a retry of the same send reuses the same link', async () => {
    const a = { contentId: 'drf_1', promptVariant: 'benefit-first', variant: 'A' };
    const first = (await attribute()(workspaceId, 'connector-email-sandbox:send', 'k1', a, input)) as typeof input;
    const again = (await attribute()(workspaceId, 'connector-email-sandbox:send', 'k1', a, input)) as typeof input;
    expect(first.text).toMatch(/^Shop now: https:\/\/nh\.test\/r\/[\w-]+$/);
    expect(again.text).toBe(first.text);
    const links = await database.db.selectFrom('tracked_links').selectAll().where('workspace_id', '=', workspaceId).execute();
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({
      url: 'https://shop.test/sale',
      campaign: 'spring',
      variant: 'A',
      channel: 'email',
      content_id: 'drf_1',
      prompt_variant: 'benefit-first',
    });
    expect(links[0]!.contact_id).not.toBeNull();

    const code = first.text.split('/r/')[1]!;
    const to = new URL(await followLink(database.db, code));
    expect(to.origin + to.pathname).toBe('https://shop.test/sale');
    const click = await database.db
      .selectFrom('result_events')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', 'clicked')
      .executeTakeFirstOrThrow();
    expect(click).toMatchObject({ campaign: 'spring', variant: 'A', content_id: 'drf_1', prompt_variant: 'benefit-first', source: 'link' });
    expect(click.contact_id).toBe(links[0]!.contact_id);
  });

  it('another draft gets its own link; a send naming no draft is sent as written', async () => {
    const other = (await attribute()(workspaceId, 'connector-email-sandbox:send', 'k2', { contentId: 'drf_2' }, input)) as typeof input;
    const links = await database.db
      .selectFrom('tracked_links')
      .select(['code', 'content_id'])
      .where('workspace_id', '=', workspaceId)
      .execute();
    expect(links.map((l) => l.content_id).sort()).toEqual(['drf_1', 'drf_2']);
    expect(other.text).toContain(links.find((l) => l.content_id === 'drf_2')!.code);
    expect(await attribute()(workspaceId, 'connector-email-sandbox:send', 'k3', { campaign: 'spring' }, input)).toBe(input);
  });

  it('without a public URL a real connector sends as written (a localhost link would not open); a sandbox links to this host', async () => {
    const sandbox = {
      id: 'connector-email-sandbox',
      connector: { channels: ['email'], networks: [], sandbox: true },
    } as unknown as PluginManifest;
    const real = { id: 'connector-resend', connector: { channels: ['email'], networks: [] } } as unknown as PluginManifest;
    const byId = (id: string) => [sandbox, real].find((m) => m.id === id);
    const local = createSendAttributor(database.db, byId, { localUrl: 'http://localhost:4400' });
    const draft = { contentId: 'drf_3' };
    expect(await local(workspaceId, 'connector-resend:send', 'k4', draft, input)).toBe(input);
    const viaSandbox = (await local(workspaceId, 'connector-email-sandbox:send', 'k5', draft, input)) as typeof input;
    expect(viaSandbox.text).toMatch(/^Shop now: http:\/\/localhost:4400\/r\/[\w-]+$/);
    // the real connector's send is still the draft's
    const registered = await database.db
      .selectFrom('send_attributions')
      .select('content_id')
      .where('idempotency_key', '=', 'k4')
      .executeTakeFirst();
    expect(registered?.content_id).toBe('drf_3');
  });

  it('a code the workspace never issued is refused (NH_RESULTS_LINK_NOT_FOUND): no click is counted', async () => {
    await expect(followLink(database.db, 'forged-drf_1')).rejects.toMatchObject({ code: 'NH_RESULTS_LINK_NOT_FOUND' });
    const clicks = await database.db.selectFrom('result_events').select('id').where('kind', '=', 'clicked').execute();
    expect(clicks).toHaveLength(1);
  });
});
