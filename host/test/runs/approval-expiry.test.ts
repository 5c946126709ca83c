import { type Database, sql } from '@neonhub/db';
import { createOrchestrator, createStepQueue, type Orchestrator, type OrchestratorCallRequest } from '@neonhub/orchestrator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runDatabases } from './run-databases.js';
import { emptyTables } from './shared-database.js';

/**
 * A run's step waiting for an approval that expires (the approvals provider's `expiresAt`, migration 0032): it leaves
 * the waiting lists and the notifier's feed at its expiry, the recovery sweep fails it with NH_RUN_APPROVAL_EXPIRED and
 * its run ends failed saying why; a decision after the expiry gets that code. Real engine on PGlite and on PostgreSQL
 * (when NEONHUB_TEST_POSTGRES_URL is set); the policy is a fixture behind `callTool` that holds `fx:send`.
 */
const actor = { type: 'user' as const, id: 'tester', role: 'owner' as const };
const TOOLS = (
  [
    ['fx:work', 'none'],
    ['fx:send', 'external'],
  ] as const
).map(([name, sideEffect]) => ({ name, description: 'fixture', sideEffect, inputSchema: { type: 'object' } }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(runDatabases())('an approval that expires ($name)', (fixture) => {
  let database: Database;
  let ws: string;
  let calls: OrchestratorCallRequest[];
  /** How long from now the policy's approval of `fx:send` lasts (undefined: it gives no expiry). */
  let ttlMs: number | undefined;
  const open: Orchestrator[] = [];

  beforeAll(async () => {
    database = await fixture.open();
  }, 60_000);

  afterAll(async () => {
    await fixture.close();
  });

  beforeEach(async () => {
    await emptyTables(database);
    ws = (await sql<{ id: string }>`insert into workspaces (slug, name) values ('exp', 'Exp') returning id`.execute(database.db)).rows[0]!
      .id;
    calls = [];
    ttlMs = 1000;
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((o) => o.close()));
  });

  async function worker(recoverEveryMs: number): Promise<Orchestrator> {
    const o = createOrchestrator({
      db: database.db,
      queue: createStepQueue(),
      resolveWorkspace: async (id) => ({ id, slug: id }),
      approvalsProvider: () => 'governance',
      tools: async () => TOOLS,
      async callTool(req) {
        calls.push(req);
        if (req.tool === 'fx:send' && !req.approvalId)
          return {
            status: 'pending_approval',
            approvalId: `gov-${calls.length}`,
            reason: 'policy: review first',
            plugin: 'governance',
            ...(ttlMs === undefined ? {} : { expiresAt: new Date(Date.now() + ttlMs).toISOString() }),
          };
        return { status: 'ok', output: { done: req.tool } };
      },
      recoverEveryMs,
      markRunningAfterMs: 100,
      pollMs: 50,
    });
    open.push(o);
    await o.startWorker({ concurrency: 2 });
    return o;
  }

  const plan = {
    steps: [
      { id: 'draft', tool: 'fx:work', input: {} },
      { id: 'send', tool: 'fx:send', input: {}, dependsOn: ['draft'] },
      { id: 'after', tool: 'fx:work', input: {}, dependsOn: ['send'] },
    ],
  };

  const waitingIds = async (o: Orchestrator) => ({
    runs: (await o.listWaiting(ws)).map((v) => v.run.id),
    feed: (await o.approvalsRequested({ since: new Date(Date.now() - 60_000) })).map((r) => `${r.runId}/${r.stepId}`),
  });

  it('the sweep fails the step at its expiry with NH_RUN_APPROVAL_EXPIRED, skips its dependents and ends the run saying why', async () => {
    const o = await worker(100);
    const view = await o.start({ workspace: ws, goal: 'expires', actor, plan });
    const held = await o.waitFor(view.run.id, ['waiting_approval'], 10_000);
    const send = held.steps.find((s) => s.id === 'send')!;
    expect(send.status).toBe('waiting_approval');
    const expiresAt = send.approvalExpiresAt!;
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    expect(await waitingIds(o)).toEqual({ runs: [view.run.id], feed: [`${view.run.id}/send`] });
    const requested = (await o.events(view.run.id)).find((e) => e.type === 'approval.requested');
    expect(requested?.data).toMatchObject({ approvalId: send.approvalId, source: 'governance', expiresAt });

    const done = await o.waitFor(view.run.id, ['failed', 'succeeded', 'cancelled'], 10_000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expiresAt));
    expect(done.run.status).toBe('failed');
    expect(done.run.error?.code).toBe('NH_RUN_APPROVAL_EXPIRED');
    expect(done.run.error?.message).toMatch(/^step send failed: the approval expired at /);
    expect(Object.fromEntries(done.steps.map((s) => [s.id, s.status]))).toEqual({ draft: 'succeeded', send: 'failed', after: 'skipped' });
    expect(done.steps.find((s) => s.id === 'send')!.error?.code).toBe('NH_RUN_APPROVAL_EXPIRED');
    const decided = (await o.events(view.run.id)).filter((e) => e.type === 'approval.decided');
    expect(decided.map((e) => e.data)).toEqual([{ approvalId: send.approvalId, decision: 'expired', source: 'governance', expiresAt }]);
    expect(await waitingIds(o)).toEqual({ runs: [], feed: [] });
    expect(calls.filter((c) => c.tool === 'fx:send')).toHaveLength(1); // never called with an approval
  });

  it('leaves the waiting lists at its expiry before any sweep, and approving then is NH_RUN_APPROVAL_EXPIRED', async () => {
    const o = await worker(3_600_000); // no sweep during the test (the one at start ran before the run existed)
    const view = await o.start({ workspace: ws, goal: 'late decision', actor, plan });
    const held = await o.waitFor(view.run.id, ['waiting_approval'], 10_000);
    const expiresAt = Date.parse(held.steps.find((s) => s.id === 'send')!.approvalExpiresAt!);
    expect((await waitingIds(o)).runs).toEqual([view.run.id]);
    await sleep(expiresAt - Date.now() + 100);

    expect(await waitingIds(o), 'expired: out of the lists though still stored as waiting').toEqual({ runs: [], feed: [] });
    expect((await o.get(view.run.id)).steps.find((s) => s.id === 'send')!.status).toBe('waiting_approval');

    await expect(o.approve(view.run.id, 'send', actor)).rejects.toMatchObject({ code: 'NH_RUN_APPROVAL_EXPIRED' });
    const done = await o.waitFor(view.run.id, ['failed', 'succeeded', 'cancelled'], 10_000);
    expect(done.run.error?.code).toBe('NH_RUN_APPROVAL_EXPIRED');
    await expect(o.reject(view.run.id, 'send', actor, 'too late')).rejects.toMatchObject({ code: 'NH_RUN_FINISHED' });
    expect(calls.filter((c) => c.tool === 'fx:send')).toHaveLength(1);
  });

  it('a step whose approval has no expiry known keeps waiting through the sweeps', async () => {
    ttlMs = undefined;
    const o = await worker(100);
    const view = await o.start({ workspace: ws, goal: 'no expiry', actor, plan });
    const held = await o.waitFor(view.run.id, ['waiting_approval'], 10_000);
    expect(held.steps.find((s) => s.id === 'send')!.approvalExpiresAt).toBeUndefined();
    await sleep(600); // several sweeps
    expect((await o.get(view.run.id)).run.status).toBe('waiting_approval');
    expect((await waitingIds(o)).runs).toEqual([view.run.id]);
    expect((await o.recover({ sweep: true })).expired).toBe(0);
  });
});
