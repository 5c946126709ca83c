import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ENGAGEMENT, simulatedEvents } from '../../../plugins/connector-email-sandbox/src/engagement.js';
import { sandboxMetrics } from '../../../plugins/connector-social-sandbox/src/tools/metrics.js';
import type { Host } from '../../src/host.js';
import { funnel } from '../../src/results/analytics.js';
import { pullSocialMetrics } from '../../src/results/social-metrics.js';
import { bootHost, lockRoot, makeRoot, removeRoot, repoPlugin, silentLogger } from '../integration/helpers.js';

/**
 * Every send writes its `sent` result where every delivery passes — the outbox — with its campaign, variant,
 * channel, contact and day: an agent-email step of a run (one row per recipient, the contact where the address is
 * one), a social post, and a retry of either counts once. The sandbox e-mail connector (with `engagement` set)
 * reports seeded provider events through the webhook path, so the sandbox funnel is not flat — and the exact
 * counts follow from its message ids.
 */
let root: string;
let host: Host;
let workspaceId: string;
const actor = { type: 'user' as const, id: 'owner-1', role: 'owner' as const };

beforeAll(async () => {
  root = makeRoot('sent-results', [
    { from: repoPlugin('connector-email-sandbox'), link: true },
    { from: repoPlugin('agent-email'), link: true },
    { from: repoPlugin('connector-social-sandbox'), link: true },
    { from: repoPlugin('agent-social'), link: true },
  ]);
  await lockRoot(root);
  host = await bootHost(root);
}, 180_000);

/** Each test's own workspace (slug) with the two sandboxes and the two agents enabled, and a run of its own. */
let slug: string;
let runId: string;
let made = 0;
beforeEach(async () => {
  slug = `shop-${++made}`;
  runId = randomUUID();
  workspaceId = (await host.storage.service.createWorkspace({ slug })).id;
  await host.storage.service.enablePlugin(slug, 'connector-email-sandbox', { engagement: {} });
  await host.storage.service.enablePlugin(slug, 'agent-email');
  await host.storage.service.enablePlugin(slug, 'connector-social-sandbox');
  await host.storage.service.enablePlugin(slug, 'agent-social');
}, 60_000);

afterAll(async () => {
  await host?.close();
  removeRoot(root);
});

const rows = (kind?: string) => {
  let q = host.storage.db
    .selectFrom('result_events')
    .select(['campaign', 'variant', 'channel', 'contact_id', 'kind', 'message_id', 'source', 'data'])
    .where('workspace_id', '=', workspaceId);
  if (kind) q = q.where('kind', '=', kind);
  return q.orderBy('id').execute();
};
const call = (tool: string, input: unknown, idempotencyKey: string) =>
  host.callTool({ workspace: slug, tool, input, actor, idempotencyKey });

describe('sent results at delivery', () => {
  const emails = Array.from({ length: 40 }, (_, i) => `reader${i}@shop.test`);
  /** The run's e-mail step: a template composed and sent to the 40 readers (reader0 is a contact); its contact's id. */
  const sendStep = async () => {
    const contactId = (
      await host.storage.db
        .insertInto('contacts')
        .values({ workspace_id: workspaceId, email: 'reader0@shop.test', phone: null, handles: '{}', attributes: '{}' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const composed = await call('agent-email:compose', { subject: 'Spring', body: 'Hello {{email}}' }, `compose-${runId}`);
    expect(composed.status).toBe('ok');
    const templateId = (composed as { output: { templateId: string } }).output.templateId;
    const r = await call('agent-email:send', { templateId, recipients: emails.map((email) => ({ email })) }, `run:${runId}:step:send`);
    expect(r.status).toBe('ok');
    return contactId;
  };
  /** The run's social step: a post published now (twice with one key, as a retried step would). */
  const postStep = async () => {
    const key = `run:${runId}:step:post`;
    const r = await call('agent-social:publish', { network: 'linkedin', text: 'Spring is here.' }, key);
    expect(r.status).toBe('ok');
    await call('agent-social:publish', { network: 'linkedin', text: 'Spring is here.' }, key);
    return r;
  };

  it("an agent-email step of a run writes one `sent` per recipient under the run's campaign, with the contact", async () => {
    const contactId = await sendStep();
    const sent = await rows('sent');
    expect(sent).toHaveLength(40);
    expect(new Set(sent.map((s) => s.campaign))).toEqual(new Set([`run:${runId}`]));
    expect(sent.every((s) => s.channel === 'email' && s.source === 'delivery:connector-email-sandbox')).toBe(true);
    expect(sent.filter((s) => s.contact_id === contactId)).toHaveLength(1);
    expect(sent.filter((s) => s.contact_id === null)).toHaveLength(39);
  });

  it('the sandbox reports seeded events through the webhook path: exact counts from the message ids', async () => {
    await sendStep();
    const sent = await rows('sent');
    const expected: Record<string, number> = {};
    for (const s of sent) {
      // recomputed from the message id and its recipient (the event's): the sandbox's draws are pure
      const [first] = await host.storage.connectorEvents.list(workspaceId, { messageId: s.message_id! });
      for (const e of simulatedEvents(s.message_id!, [first!.recipient!], new Date().toISOString(), DEFAULT_ENGAGEMENT))
        expected[e.type] = (expected[e.type] ?? 0) + 1;
    }
    const stored = await host.storage.connectorEvents.list(workspaceId, { limit: 1000 });
    const got: Record<string, number> = {};
    for (const e of stored.filter((x) => x.plugin === 'connector-email-sandbox')) got[e.type] = (got[e.type] ?? 0) + 1;
    expect(got).toEqual(expected);
    // 40 recipients at the default rates: some opens and clicks, and every message delivered or bounced
    expect((got.delivered ?? 0) + (got.bounced ?? 0)).toBe(40);
    expect(got.opened ?? 0).toBeGreaterThan(5);
    // the same counts in the results, under the run's campaign (matched to each send by message id)
    const daily = await host.storage.db
      .selectFrom('result_daily')
      .select(['kind', (eb) => eb.fn.sum<string | number>('count').as('n')])
      .where('workspace_id', '=', workspaceId)
      .where('campaign', '=', `run:${runId}`)
      .groupBy('kind')
      .execute();
    const results = Object.fromEntries(daily.map((d) => [d.kind, Number(d.n)]));
    expect(results).toEqual({ sent: 40, ...expected });
  });

  it('the same step again (a retried run step) sends and counts nothing twice', async () => {
    await sendStep();
    const before = (await rows()).length;
    const composed = await call('agent-email:compose', { subject: 'Spring', body: 'Hello {{email}}' }, `compose-${runId}`);
    const templateId = (composed as { output: { templateId: string } }).output.templateId;
    const r = await call('agent-email:send', { templateId, recipients: emails.map((email) => ({ email })) }, `run:${runId}:step:send`);
    expect(r.status).toBe('ok');
    expect((await rows()).length).toBe(before);
  });

  it('a social post published now writes one `sent` (channel social, its network), once', async () => {
    const r = await postStep();
    const social = (await rows('sent')).filter((s) => s.channel === 'social');
    expect(social).toHaveLength(1);
    expect(social[0]).toMatchObject({ campaign: `run:${runId}`, contact_id: null, source: 'delivery:connector-social-sandbox' });
    expect(social[0]!.data).toMatchObject({ network: 'linkedin', sandbox: true });
    expect(social[0]!.message_id).toBe((r as { output: { postId: string } }).output.postId);
  });

  it('social metrics pulled through the connector `metrics` tool land in the results once; a second pull adds nothing', async () => {
    const deps = {
      db: host.storage.db,
      callTool: host.callTool,
      manifest: (id: string) => host.registry.plugin(id)?.manifest,
      logger: silentLogger().logger,
    };
    await postStep();
    const [post] = (await rows('sent')).filter((s) => s.channel === 'social');
    const m = sandboxMetrics(post!.message_id!);
    const first = await pullSocialMetrics(deps, { id: workspaceId, slug }, { days: 7 });
    expect(first).toMatchObject({ posts: 1, skipped: [] });
    const f = await funnel(host.storage.db, workspaceId, `run:${runId}`);
    const social = f.rows.find((r) => r.channel === 'social')!;
    expect(social.counts).toMatchObject({ sent: 1, clicked: m.clicks, impression: m.impressions, liked: m.likes });
    const again = await pullSocialMetrics(deps, { id: workspaceId, slug }, { days: 7 });
    expect(again.events).toBe(0);
    expect((await funnel(host.storage.db, workspaceId, `run:${runId}`)).rows.find((r) => r.channel === 'social')!.counts).toEqual(
      social.counts,
    );
  });
});
