import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendToSegment } from '../../src/audiences/segment-send.js';
import type { Host } from '../../src/host.js';
import { followLink } from '../../src/results/links.js';
import { bootHost, lockRoot, makeRoot, removeRoot, repoPlugin } from '../integration/helpers.js';
import { pgAdminQuery } from '../pg-admin.js';

/**
 * A click is the draft's: an agent's e-mail send and social post that carry their draft (agent-email's template,
 * agent-social's publish) go out with tracked links made for that draft, and a click through one is recorded with the
 * draft and prompt variant, as the provider's clicks already were. On PGlite and on PostgreSQL.
 */
const pgAdmin = process.env.NEONHUB_TEST_POSTGRES_URL;
const dialects = [{ name: 'PGlite' }, ...(pgAdmin ? [{ name: 'PostgreSQL' }] : [])];
const PLUGINS = ['agent-email', 'connector-email-sandbox', 'agent-social', 'connector-social-sandbox'];
const actor = { type: 'user' as const, id: 'owner-1', role: 'owner' as const };
const PUBLIC = 'https://hub.example';

describe.each(dialects)("the links of a draft's sends on $name", ({ name }) => {
  let root: string;
  let host: Host;
  let workspaceId: string;
  let dbName = '';
  const env: NodeJS.ProcessEnv = {};
  const saved = process.env.NEONHUB_PUBLIC_URL;

  const call = async (tool: string, input: unknown, idempotencyKey: string) => {
    const r = await host.callTool({ workspace: 'shop', tool, input, actor, idempotencyKey });
    if (r.status !== 'ok') throw new Error(`${tool}: ${JSON.stringify(r)}`);
    return r.output as Record<string, unknown>;
  };
  const sentInputs = (tool: string) =>
    host.storage.db
      .selectFrom('outbox_messages')
      .select(['input'])
      .where('workspace_id', '=', workspaceId)
      .where('tool', '=', tool)
      .execute()
      .then((rows) => rows.map((r) => r.input as Record<string, unknown>));
  const clicks = () =>
    host.storage.db
      .selectFrom('result_events')
      .select(['campaign', 'channel', 'contact_id', 'content_id', 'prompt_variant', 'source'])
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', 'clicked')
      .where('source', '=', 'link')
      .orderBy('id')
      .execute();

  beforeAll(async () => {
    process.env.NEONHUB_PUBLIC_URL = PUBLIC;
    if (name === 'PostgreSQL') {
      dbName = `nh_draft_links_${process.pid}_${Date.now()}`;
      await pgAdminQuery(pgAdmin!, `create database ${dbName}`);
      env.DATABASE_URL = pgAdmin!.replace(/\/[^/]*$/, `/${dbName}`);
      env.NEONHUB_SECRET_KEY = randomBytes(32).toString('base64');
    }
    root = makeRoot(
      `draft-links-${name}`,
      PLUGINS.map((id) => ({ from: repoPlugin(id), link: true })),
    );
    await lockRoot(root);
    host = await bootHost(root, { env });
    workspaceId = (await host.storage.service.createWorkspace({ slug: 'shop' })).id;
    for (const id of PLUGINS) await host.storage.service.enablePlugin('shop', id);
  }, 180_000);

  afterAll(async () => {
    if (saved === undefined) delete process.env.NEONHUB_PUBLIC_URL;
    else process.env.NEONHUB_PUBLIC_URL = saved;
    await host?.close();
    removeRoot(root);
    if (dbName) await pgAdminQuery(pgAdmin!, `drop database if exists ${dbName}`);
  });

  it("agent-email: each recipient's message links through a tracked link of the draft; a click is the draft's", async () => {
    const contactId = (
      await host.storage.db
        .insertInto('contacts')
        .values({ workspace_id: workspaceId, email: 'ann@shop.test', phone: null, handles: '{}', attributes: '{}' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const { templateId } = await call(
      'agent-email:compose',
      {
        subject: 'Spring sale',
        body: 'Hello {{email}}, shop the sale: https://shop.example/sale.',
        contentId: 'drf_email1',
        promptVariant: 'benefit-first',
      },
      'compose-1',
    );
    await call(
      'agent-email:send',
      { templateId, recipients: [{ email: 'ann@shop.test' }, { email: 'bob@shop.test' }] },
      'run:00000000-0000-4000-8000-000000000001:step:send',
    );
    const inputs = await sentInputs('connector-email-sandbox:send');
    expect(inputs).toHaveLength(2);
    const codes = inputs.map((i) => /https:\/\/hub\.example\/r\/([\w-]+)\./.exec(JSON.stringify(i))?.[1]);
    expect(codes.every((c) => c !== undefined)).toBe(true);
    expect(JSON.stringify(inputs)).not.toContain('shop.example/sale');
    const links = await host.storage.db
      .selectFrom('tracked_links')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('code', 'in', codes as string[])
      .execute();
    expect(links).toHaveLength(2);
    for (const l of links)
      expect(l).toMatchObject({
        url: 'https://shop.example/sale',
        campaign: 'run:00000000-0000-4000-8000-000000000001',
        channel: 'email',
        content_id: 'drf_email1',
        prompt_variant: 'benefit-first',
      });
    // Ann is a contact: her link is hers
    expect(links.map((l) => l.contact_id).sort()).toEqual([contactId, null].sort());

    const annCode = links.find((l) => l.contact_id === contactId)!.code;
    await followLink(host.storage.db, annCode);
    expect(await clicks()).toEqual([
      {
        campaign: 'run:00000000-0000-4000-8000-000000000001',
        channel: 'email',
        contact_id: contactId,
        content_id: 'drf_email1',
        prompt_variant: 'benefit-first',
        source: 'link',
      },
    ]);
    // the draft's clicks as the learning loop reads them (ctx.results.byContent)
    const byContent = await host.storage.db
      .selectFrom('result_events')
      .select(['kind', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('workspace_id', '=', workspaceId)
      .where('content_id', '=', 'drf_email1')
      .groupBy('kind')
      .execute();
    expect(Object.fromEntries(byContent.map((r) => [r.kind, Number(r.n)]))).toMatchObject({ sent: 2, clicked: 1 });
  });

  it('agent-social: a published post of a draft carries a tracked link of that draft', async () => {
    await call(
      'agent-social:publish',
      {
        network: 'linkedin',
        text: 'Our spring sale starts today https://shop.example/spring',
        contentId: 'drf_social1',
        promptVariant: 'control',
      },
      'publish-1',
    );
    const [post] = await sentInputs('connector-social-sandbox:post');
    const code = /https:\/\/hub\.example\/r\/([\w-]+)/.exec(String(post!.text))?.[1];
    expect(code).toBeDefined();
    await followLink(host.storage.db, code!);
    expect((await clicks()).at(-1)).toMatchObject({ channel: 'social', content_id: 'drf_social1', prompt_variant: 'control' });
  });

  it("a segment send of a draft: each recipient's link is made for the draft, and the sends are the draft's", async () => {
    const segmentId = (
      await host.storage.db
        .insertInto('segments')
        .values({ workspace_id: workspaceId, name: 'everyone', rule: JSON.stringify({ match: 'all', conditions: [] }) })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const r = await sendToSegment(
      { db: host.storage.db, callTool: host.callTool, baseUrl: PUBLIC },
      { id: workspaceId, slug: 'shop' },
      segmentId,
      {
        tool: 'connector-email-sandbox:send',
        channel: 'email',
        campaign: 'spring-segment',
        variant: 'B',
        input: { subject: 'Sale', text: 'Shop: {{link:https://shop.example/seg}} or https://shop.example/seg today' },
        recipientField: 'to',
        contentId: 'drf_seg1',
        promptVariant: 'urgency',
      },
      actor,
    );
    expect(r).toMatchObject({ recipients: 1, sent: 1 });
    const links = await host.storage.db
      .selectFrom('tracked_links')
      .select(['code', 'content_id', 'prompt_variant', 'campaign', 'variant'])
      .where('workspace_id', '=', workspaceId)
      .where('campaign', '=', 'spring-segment')
      .execute();
    // one link for the one URL, used twice in the message
    expect(links).toEqual([
      { code: links[0]!.code, content_id: 'drf_seg1', prompt_variant: 'urgency', campaign: 'spring-segment', variant: 'B' },
    ]);
    await followLink(host.storage.db, links[0]!.code);
    expect((await clicks()).at(-1)).toMatchObject({ campaign: 'spring-segment', content_id: 'drf_seg1', prompt_variant: 'urgency' });
    const sent = await host.storage.db
      .selectFrom('result_events')
      .select(['content_id', 'prompt_variant'])
      .where('workspace_id', '=', workspaceId)
      .where('campaign', '=', 'spring-segment')
      .where('kind', '=', 'sent')
      .execute();
    expect(sent).toEqual([{ content_id: 'drf_seg1', prompt_variant: 'urgency' }]);
  });
});
