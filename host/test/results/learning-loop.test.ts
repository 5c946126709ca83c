import { randomBytes } from 'node:crypto';
import type { Orchestrator } from '@neonhub/orchestrator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Host } from '../../src/host.js';
import { LEARNING_TASK } from '../../src/results/learning.js';
import { SOCIAL_METRICS_TASK } from '../../src/results/social-metrics.js';
import { createRuns } from '../../src/runs/index.js';
import { type ScheduleRunner, SYSTEM_OWNER, startScheduleRunner } from '../../src/schedules/index.js';
import { bootHost, lockRoot, makeRoot, removeRoot, repoPlugin, silentLogger } from '../integration/helpers.js';
import { pgAdminQuery } from '../pg-admin.js';

/**
 * Issue 15's loop, closed with no tool called by hand: a normal goal run (the spring sale, planned by the offline
 * planner, its sends approved) sends through the sandbox connectors; each send carries the draft it came from and
 * the prompt variant that wrote it (compose → send → outbox → `sent` row), the sandbox's simulated engagement
 * (delivered, opened, clicked) is attributed to that draft and variant, and the learning schedule (a system task on
 * the schedule runner, created with the workspace) scores the draft prompt's variants from those stored results.
 * The scores and their reason outlive a restart. On PGlite and on PostgreSQL (where NEONHUB_TEST_POSTGRES_URL names one).
 */
const pgAdmin = process.env.NEONHUB_TEST_POSTGRES_URL;
const dialects = [{ name: 'PGlite' }, ...(pgAdmin ? [{ name: 'PostgreSQL' }] : [])];

const PLUGINS = [
  'governance',
  'data-trust',
  'agent-content',
  'agent-email',
  'connector-email-sandbox',
  'agent-social',
  'connector-social-sandbox',
];
const owner = { type: 'user' as const, id: 'marketer', role: 'owner' as const };
// enough recipients that the seeded draws give clicks (open 0.6 × click 0.5 of 30)
const RECIPIENTS = Array.from({ length: 30 }, (_, i) => `reader${i}@example.com`);
const RATES = { bounce: 0, open: 0.6, click: 0.5, unsubscribe: 0 };

interface Stats {
  variants: Array<{ variantId: string; drafts: number; outcomes: Record<string, { count: number }> }>;
  lastScoring: { decidedAt: string; metric: string; reason: string } | null;
}

describe.each(dialects)('the learning loop closes in a normal run on $name', ({ name }) => {
  let root: string;
  let host: Host;
  let runs: Orchestrator | undefined;
  let runner: ScheduleRunner | undefined;
  let workspaceId: string;
  let dbName = '';
  const env: NodeJS.ProcessEnv = {};

  const call = async (tool: string, input: unknown) => {
    const r = await host.callTool({ workspace: 'shop', tool, input, actor: owner });
    if (r.status !== 'ok') throw new Error(`${tool}: ${JSON.stringify(r)}`);
    return r.output as Record<string, unknown>;
  };
  const learning = () => host.schedules.store.byKey(workspaceId, SYSTEM_OWNER, LEARNING_TASK.tool);

  beforeAll(async () => {
    if (name === 'PostgreSQL') {
      dbName = `nh_learning_loop_${process.pid}_${Date.now()}`;
      await pgAdminQuery(pgAdmin!, `create database ${dbName}`);
      env.DATABASE_URL = pgAdmin!.replace(/\/[^/]*$/, `/${dbName}`);
      env.NEONHUB_SECRET_KEY = randomBytes(32).toString('base64');
    }
    root = makeRoot(
      `learning-loop-${name}`,
      PLUGINS.map((id) => ({ from: repoPlugin(id), link: true })),
    );
    await lockRoot(root);
    host = await bootHost(root, { env });
    expect(host.problems).toEqual([]);
    workspaceId = (await host.storage.service.createWorkspace({ slug: 'shop' })).id;
    for (const id of PLUGINS)
      await host.storage.service.enablePlugin('shop', id, id === 'connector-email-sandbox' ? { engagement: RATES } : undefined);
    await call('governance:set_policy', { policy: { requireApproval: { sideEffects: ['external'] } } });
    runs = await createRuns(host, { concurrency: 4 });
  }, 180_000);

  afterAll(async () => {
    await runner?.close();
    await runs?.close();
    await host?.close();
    removeRoot(root);
    if (dbName) await pgAdminQuery(pgAdmin!, `drop database if exists ${dbName}`);
  });

  it('the workspace got its learning and metrics schedules when it was created', async () => {
    expect((await learning())?.status).toBe('scheduled');
    expect((await host.schedules.store.byKey(workspaceId, SYSTEM_OWNER, SOCIAL_METRICS_TASK.tool))?.status).toBe('scheduled');
  });

  let draftEmail: { draftId: string; prompt: { variantId: string } };
  let draftSocial: { draftId: string; prompt: { variantId: string } };

  it('an approved spring-sale run sends with the draft and prompt variant, and the engagement is attributed to them', async () => {
    const started = await runs!.start({
      workspace: 'shop',
      goal: 'launch our spring sale on email and social',
      actor: owner,
      params: { recipients: RECIPIENTS },
    });
    const paused = await runs!.waitFor(started.run.id, ['waiting_approval', 'failed', 'succeeded'], 90_000);
    const steps = JSON.stringify(paused.steps.map((s) => [s.id, s.status, s.error]));
    expect(paused.run.status, steps).toBe('waiting_approval');
    for (const id of ['send_email', 'publish_social'])
      expect(paused.steps.find((s) => s.id === id)?.status, steps).toBe('waiting_approval');
    for (const step of ['send_email', 'publish_social']) await runs!.approve(started.run.id, step, owner, { note: 'ok' });
    const done = await runs!.waitFor(started.run.id, ['succeeded', 'failed'], 120_000);
    expect(done.run.status, JSON.stringify(done.steps.map((s) => [s.id, s.status, s.error]))).toBe('succeeded');
    const out = (id: string) => done.steps.find((s) => s.id === id)!.output as typeof draftEmail;
    draftEmail = out('draft_email');
    draftSocial = out('draft_social');

    const rows = await host.storage.db
      .selectFrom('result_events')
      .select(['kind', 'channel', 'content_id', 'prompt_variant', 'source', 'data'])
      .where('workspace_id', '=', workspaceId)
      .execute();
    const email = rows.filter((r) => r.channel === 'email');
    // one `sent` per recipient, each carrying the e-mail draft and its prompt variant
    const sent = email.filter((r) => r.kind === 'sent');
    expect(sent).toHaveLength(RECIPIENTS.length);
    for (const r of sent) expect([r.content_id, r.prompt_variant]).toEqual([draftEmail.draftId, draftEmail.prompt.variantId]);
    // the sandbox's simulated provider events, marked sandbox, are attributed to the same draft and variant
    const engaged = email.filter((r) => r.kind !== 'sent');
    expect(engaged.length).toBeGreaterThan(RECIPIENTS.length); // delivered for each, plus opens and clicks
    for (const r of engaged) {
      expect([r.content_id, r.prompt_variant]).toEqual([draftEmail.draftId, draftEmail.prompt.variantId]);
      expect(r.source).toBe('webhook:connector-email-sandbox');
      expect((r.data as { sandbox?: boolean }).sandbox).toBe(true);
    }
    const clicks = engaged.filter((r) => r.kind === 'clicked').length;
    expect(clicks).toBeGreaterThan(0);
    // the post carries the social draft
    const post = rows.find((r) => r.channel === 'social' && r.kind === 'sent')!;
    expect([post.content_id, post.prompt_variant]).toEqual([draftSocial.draftId, draftSocial.prompt.variantId]);
  }, 240_000);

  it('the learning schedule fires on the runner and scores the variants with no tool called by hand', async () => {
    const before = (await call('agent-content:prompt_stats', {})) as unknown as Stats;
    expect(before.lastScoring).toBeNull();
    expect(before.variants.every((v) => v.outcomes.clicked === undefined)).toBe(true);

    runner = await startScheduleRunner({
      service: host.schedules,
      callTool: (req) => host.callTool(req),
      logger: silentLogger().logger,
      tasks: host.systemTasks,
      pollMs: 200,
    });
    await vi.waitFor(async () => expect((await learning())?.finished_at ?? null).not.toBeNull(), { timeout: 60_000, interval: 200 });
    const row = (await learning())!;
    // it ran, said what it did in words, and runs again an hour later
    expect(row.status).toBe('scheduled');
    expect(new Date(row.run_at).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    const result = row.result as { prompts: { status: string; reason: string } };
    expect(result.prompts.status).toBe('scored');
    expect(result.prompts.reason).toContain(draftEmail.prompt.variantId);

    const after = (await call('agent-content:prompt_stats', {})) as unknown as Stats;
    // what the stored results say the variant earned: its drafts' sends and clicks (by the content id they carried)
    const earned = await host.storage.db
      .selectFrom('result_events')
      .select(['kind', (eb) => eb.fn.countAll<string>().as('n')])
      .where('workspace_id', '=', workspaceId)
      .where('prompt_variant', '=', draftEmail.prompt.variantId)
      .where('kind', 'in', ['sent', 'clicked'])
      .groupBy('kind')
      .execute();
    const count = (kind: string) => Number(earned.find((e) => e.kind === kind)?.n ?? 0);
    expect(count('clicked')).toBeGreaterThan(0);
    const variant = after.variants.find((v) => v.variantId === draftEmail.prompt.variantId)!;
    // the e-mail draft's sends and clicks are recorded under the variant that wrote it
    expect(variant.outcomes.clicked?.count).toBeGreaterThanOrEqual(1);
    expect(after.lastScoring?.reason).toBe(result.prompts.reason);
    expect(after.lastScoring?.reason).toContain(`${count('clicked')} of ${count('sent')} sends`);
    await runner.close();
    runner = undefined;
  }, 120_000);

  it('a restarted host keeps the scores and the reason', async () => {
    const before = (await call('agent-content:prompt_stats', {})) as unknown as Stats;
    await runs?.close();
    runs = undefined;
    await host.close();
    host = await bootHost(root, { env });
    const after = (await call('agent-content:prompt_stats', {})) as unknown as Stats;
    expect(after.lastScoring).toEqual(before.lastScoring);
    expect(after.variants).toEqual(before.variants);
  }, 120_000);
});
