import { type Database, sql } from '@neonhub/db';
import { createOrchestrator, createStepQueue, type Orchestrator, type OrchestratorCallRequest } from '@neonhub/orchestrator';
import { NeonHubError, type RunEvent } from '@neonhub/schemas';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptyTables, migratedMemoryDatabase } from './shared-database.js';

/**
 * Orchestrator paths the end-to-end tests do not reach: reject, cancel while steps run, transient failures
 * retried with backoff, and the approval the orchestrator holds itself when governance is not enabled.
 * Real embedded PostgreSQL (PGlite) and the in-process queue; the tools are fixtures behind `callTool`. One database
 * per file (a new one is seconds of initdb and migrations), emptied before each test.
 */
const actor = { type: 'user' as const, id: 'tester', role: 'owner' as const };

/**
 * Waits until `what` holds, polling every 10 ms. The minute is a hang guard, not a budget: a loaded 2-core CI machine
 * takes far longer than a quiet one for the same few steps (a fixed count of 10 ms polls gave up after 2-3 s there).
 */
async function until(what: () => Promise<boolean> | boolean, label = 'the condition') {
  const by = Date.now() + 60_000;
  while (!(await what())) {
    if (Date.now() > by) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
/** `fx:work`, `fx:flaky` and `fx:peek` have no side effect (their jobs carry them); `fx:slow` writes, `fx:send` sends. */
const TOOLS = (
  [
    ['fx:work', 'none'],
    ['fx:flaky', 'none'],
    ['fx:peek', 'read'],
    ['fx:slow', 'write'],
    ['fx:send', 'external'],
  ] as const
).map(([name, sideEffect]) => ({
  name,
  description: 'fixture',
  sideEffect,
  inputSchema: { type: 'object', properties: { n: { type: 'integer' }, text: { type: 'string' } } },
}));
/** A fixture tool returning this asks for approval, as governance does. */
const PENDING = Symbol('pending');

let database: Database;
let o: Orchestrator;
let ws: string;
let calls: (OrchestratorCallRequest & { at: number })[];
/** Per-tool behaviour of the fixture callTool. */
let behave: Record<string, (req: OrchestratorCallRequest) => Promise<unknown>>;

beforeAll(async () => {
  database = await migratedMemoryDatabase();
});

afterAll(async () => {
  await database.close();
});

beforeEach(async () => {
  await emptyTables(database);
  ws = (await sql<{ id: string }>`insert into workspaces (slug, name) values ('paths', 'Paths') returning id`.execute(database.db)).rows[0]!
    .id;
  calls = [];
  behave = {};
  o = createOrchestrator({
    db: database.db,
    queue: createStepQueue(),
    resolveWorkspace: async (id) => ({ id, slug: id }),
    approvalsProvider: () => undefined, // no approvals provider: plan-marked steps are held by the orchestrator
    tools: async () => TOOLS,
    async callTool(req) {
      calls.push({ ...req, at: Date.now() });
      const fn = behave[req.tool];
      const output = fn ? await fn(req) : { tool: req.tool, input: req.input };
      if (output === PENDING)
        return { status: 'pending_approval', approvalId: 'gov-1', reason: 'policy: review first', plugin: 'governance' };
      return { status: 'ok', output };
    },
    maxAttempts: 3,
    backoffBaseMs: 60,
    markRunningAfterMs: 100,
    pollMs: 50,
  });
  await o.startWorker({ concurrency: 4 });
});

afterEach(async () => {
  await o.close();
});

const statuses = (view: { steps: { id: string; status: string }[] }) => Object.fromEntries(view.steps.map((s) => [s.id, s.status]));
const stepEvents = (events: RunEvent[], stepId: string) => events.filter((e) => e.stepId === stepId);

describe('the approval the orchestrator holds (governance not enabled)', () => {
  it('holds a needsApproval step without calling its tool, then calls it once with the approval after approve', async () => {
    const view = await o.start({
      workspace: ws,
      goal: 'held',
      actor,
      plan: {
        steps: [
          { id: 'draft', tool: 'fx:work', input: { n: 1 } },
          { id: 'send', tool: 'fx:send', input: { n: 2 }, dependsOn: ['draft'], needsApproval: true },
          { id: 'after', tool: 'fx:work', input: { n: 3 }, dependsOn: ['send'] },
        ],
      },
    });
    const held = await o.waitFor(view.run.id);
    expect(held.run.status).toBe('waiting_approval');
    expect(statuses(held)).toEqual({ draft: 'succeeded', send: 'waiting_approval', after: 'pending' });
    const send = held.steps.find((s) => s.id === 'send')!;
    expect(send.approvalId).toBeTruthy();
    expect(calls.map((c) => c.tool)).toEqual(['fx:work']); // nothing sent before approval

    const approved = await o.approve(view.run.id, 'send', actor, { note: 'ok' });
    expect(approved.run.status).toBe('running');
    const done = await o.waitFor(view.run.id, ['succeeded', 'failed']);
    expect(done.run.status).toBe('succeeded');
    const sends = calls.filter((c) => c.tool === 'fx:send');
    expect(sends).toHaveLength(1);
    expect(sends[0]!.approvalId).toBe(send.approvalId);
    expect(sends[0]!.idempotencyKey).toBe(`run:${view.run.id}:step:send`);
    const events = await o.events(view.run.id);
    const approval = events.filter((e) => e.type.startsWith('approval.'));
    expect(approval.map((e) => [e.type, e.data.source])).toEqual([
      ['approval.requested', 'orchestrator'],
      ['approval.decided', 'orchestrator'],
    ]);
    expect(approval[1]!.data).toMatchObject({ decision: 'approved', note: 'ok', by: actor });
    // Approving again is a no-op that reports the real state: nothing is called again.
    const again = await o.approve(view.run.id, 'send', actor);
    expect(again.run.status).toBe('succeeded');
    expect(statuses(again).send).toBe('succeeded');
    expect(calls.filter((c) => c.tool === 'fx:send')).toHaveLength(1);
    expect((await o.events(view.run.id)).filter((e) => e.type === 'approval.decided')).toHaveLength(1);
  });
});

describe('reject', () => {
  it('fails the waiting step, skips its dependents, lets independent branches finish, and fails the run', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    behave['fx:slow'] = async () => {
      await gate;
      return { slow: true };
    };
    const view = await o.start({
      workspace: ws,
      goal: 'reject',
      actor,
      plan: {
        steps: [
          { id: 'send', tool: 'fx:send', input: {}, needsApproval: true },
          { id: 'child', tool: 'fx:work', input: {}, dependsOn: ['send'] },
          { id: 'grandchild', tool: 'fx:work', input: {}, dependsOn: ['child'] },
          { id: 'other', tool: 'fx:slow', input: {} },
        ],
      },
    });
    // "other" is still running while "send" waits: the run is running, not yet waiting.
    await until(async () => statuses(await o.get(view.run.id)).send === 'waiting_approval', 'send waiting for approval');
    expect((await o.get(view.run.id)).run.status).toBe('running');

    const rejected = await o.reject(view.run.id, 'send', actor, 'wrong price');
    expect(statuses(rejected)).toMatchObject({ send: 'failed', child: 'skipped', grandchild: 'skipped', other: 'running' });
    expect(rejected.steps.find((s) => s.id === 'send')!.error).toEqual({ code: 'NH_RUN_STEP_REJECTED', message: 'rejected: wrong price' });
    expect(rejected.run.status).toBe('running'); // the independent branch is still running

    release();
    const done = await o.waitFor(view.run.id, ['succeeded', 'failed', 'cancelled']);
    expect(done.run.status).toBe('failed');
    expect(done.run.error?.code).toBe('NH_RUN_STEP_REJECTED');
    expect(done.run.error?.message).toMatch(/^step send failed: /);
    expect(done.run.finishedAt).toBeDefined();
    expect(statuses(done)).toEqual({ send: 'failed', child: 'skipped', grandchild: 'skipped', other: 'succeeded' });
    expect(calls.map((c) => c.tool)).toEqual(['fx:slow']); // the rejected step and its dependents never ran
    const events = await o.events(view.run.id);
    expect(stepEvents(events, 'child').at(-1)?.data).toEqual({ status: 'skipped', because: 'send' });
    expect(events.find((e) => e.type === 'approval.decided')?.data).toMatchObject({ decision: 'rejected', reason: 'wrong price' });
    expect(events.filter((e) => e.type === 'run.status').at(-1)?.data).toEqual({ status: 'failed', error: done.run.error });
    // Approving after the rejection is refused.
    await expect(o.approve(view.run.id, 'send', actor)).rejects.toMatchObject({ code: 'NH_RUN_FINISHED' });
  });
});

describe('cancel while steps are running', () => {
  it('cancels pending and running steps, ignores the late results, and dispatches nothing after', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let returned = 0;
    behave['fx:slow'] = async (req) => {
      await gate;
      returned++;
      return { late: (req.input as { n: number }).n };
    };
    const view = await o.start({
      workspace: ws,
      goal: 'cancel',
      actor,
      plan: {
        steps: [
          { id: 'a', tool: 'fx:slow', input: { n: 1 } },
          { id: 'b', tool: 'fx:slow', input: { n: 2 } },
          { id: 'c', tool: 'fx:work', input: {}, dependsOn: ['a'] },
        ],
      },
    });
    await until(() => calls.length >= 2, 'both slow steps called');
    expect(statuses(await o.get(view.run.id))).toEqual({ a: 'running', b: 'running', c: 'pending' });
    // Neither step waits for approval: reject is refused with a code.
    await expect(o.reject(view.run.id, 'a', actor, 'x')).rejects.toMatchObject({ code: 'NH_RUN_STEP_NOT_WAITING' });

    const cancelled = await o.cancel(view.run.id, actor);
    expect(cancelled.run.status).toBe('cancelled');
    expect(statuses(cancelled)).toEqual({ a: 'cancelled', b: 'cancelled', c: 'cancelled' });

    release();
    await until(() => returned >= 2, 'both slow steps returned');
    await o.close(); // waits for the step handlers that were running to finish
    const after = await o.get(view.run.id);
    expect(after.run.status).toBe('cancelled');
    expect(statuses(after)).toEqual({ a: 'cancelled', b: 'cancelled', c: 'cancelled' });
    expect(after.steps.every((s) => s.output === undefined)).toBe(true);
    expect(calls.map((c) => c.tool)).toEqual(['fx:slow', 'fx:slow']); // c never ran
    const events = await o.events(view.run.id);
    expect(events.some((e) => e.type === 'step.status' && e.data.status === 'succeeded')).toBe(false);
    expect(events.filter((e) => e.type === 'run.status').map((e) => e.data)).toEqual([{ status: 'cancelled', by: actor }]);
    await expect(o.cancel(view.run.id, actor)).rejects.toMatchObject({ code: 'NH_RUN_FINISHED' });
  });
});

describe('transient failures', () => {
  const transient = (n: number) =>
    new NeonHubError('NH_FX_UNAVAILABLE', `the fixture service is down (try ${n})`, { status: 503, category: 'transient' });

  it('retries a transiently failing tool with exponential backoff, then succeeds with the same idempotency key', async () => {
    let failures = 2;
    behave['fx:flaky'] = async () => {
      if (failures-- > 0) throw transient(2 - failures);
      return { ok: true };
    };
    const view = await o.start({
      workspace: ws,
      goal: 'flaky',
      actor,
      plan: {
        steps: [
          { id: 'f', tool: 'fx:flaky', input: {} },
          { id: 'next', tool: 'fx:work', input: {}, dependsOn: ['f'] },
        ],
      },
    });
    const done = await o.waitFor(view.run.id, ['succeeded', 'failed']);
    expect(done.run.status).toBe('succeeded');
    const f = done.steps.find((s) => s.id === 'f')!;
    expect(f).toMatchObject({ status: 'succeeded', attempts: 3, output: { ok: true } });
    expect(f.error).toBeUndefined();
    const tries = calls.filter((c) => c.tool === 'fx:flaky');
    expect(tries).toHaveLength(3);
    expect(new Set(tries.map((c) => c.idempotencyKey))).toEqual(new Set([`run:${view.run.id}:step:f`]));
    // Backoff doubles from backoffBaseMs (60 ms): the retries were scheduled 60 and 120 ms after each failure.
    const retries = stepEvents(await o.events(view.run.id), 'f').filter((e) => e.data.retryInMs !== undefined);
    expect(retries.map((e) => [e.data.retryInMs, e.data.attempt, (e.data.error as { code: string }).code])).toEqual([
      [60, 1, 'NH_FX_UNAVAILABLE'],
      [120, 2, 'NH_FX_UNAVAILABLE'],
    ]);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(55);
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(115);
  });

  it('fails the step after maxAttempts transient failures and skips its dependents; a user error is not retried', async () => {
    behave['fx:flaky'] = async () => {
      throw transient(0);
    };
    behave['fx:work'] = async (req) => {
      if ((req.input as { n?: number }).n === 7)
        throw new NeonHubError('NH_FX_BAD', 'bad input for the fixture', { status: 400, category: 'user' });
      return {};
    };
    const view = await o.start({
      workspace: ws,
      goal: 'flaky forever',
      actor,
      plan: {
        steps: [
          { id: 'f', tool: 'fx:flaky', input: {} },
          { id: 'dep', tool: 'fx:work', input: {}, dependsOn: ['f'] },
          { id: 'u', tool: 'fx:work', input: { n: 7 } },
        ],
      },
    });
    const done = await o.waitFor(view.run.id, ['succeeded', 'failed']);
    expect(done.run.status).toBe('failed');
    expect(statuses(done)).toEqual({ f: 'failed', dep: 'skipped', u: 'failed' });
    expect(done.steps.find((s) => s.id === 'f')).toMatchObject({ attempts: 3, error: { code: 'NH_FX_UNAVAILABLE' } });
    expect(done.steps.find((s) => s.id === 'u')).toMatchObject({ attempts: 1, error: { code: 'NH_FX_BAD' } });
    expect(calls.filter((c) => c.tool === 'fx:flaky')).toHaveLength(3);
    expect(calls.filter((c) => c.tool === 'fx:work')).toHaveLength(1);
  });
});

describe('steps without side effects (their jobs carry them)', () => {
  const statusTrail = (events: RunEvent[], stepId: string) =>
    stepEvents(events, stepId)
      .filter((e) => e.type === 'step.status')
      .map((e) => e.data.status);

  it('runs them from the job, queued -> succeeded in one write, with their dependencies outputs filled in', async () => {
    const view = await o.start({
      workspace: ws,
      goal: 'carried',
      actor,
      plan: {
        steps: [
          { id: 'a', tool: 'fx:work', input: { n: 1 } },
          { id: 'b', tool: 'fx:peek', input: { text: 'after {{steps.a.output.tool}}' }, dependsOn: ['a'] },
          { id: 'c', tool: 'fx:slow', input: { n: 3 }, dependsOn: ['b'] },
        ],
      },
    });
    const done = await o.waitFor(view.run.id, ['succeeded', 'failed']);
    expect(done.run.status).toBe('succeeded');
    expect(calls.find((c) => c.tool === 'fx:peek')?.input).toEqual({ text: 'after fx:work' });
    const events = await o.events(view.run.id);
    // written by start's one statement in this order; the run's end settled once, in the statement of its last step
    expect(events.slice(0, 3).map((e) => [e.type, e.stepId])).toEqual([
      ['run.created', undefined],
      ['run.planned', undefined],
      ['step.status', 'a'],
    ]);
    expect(events.filter((e) => e.type === 'run.status').map((e) => e.data)).toEqual([{ status: 'succeeded' }]);
    expect(statusTrail(events, 'a')).toEqual(['queued', 'succeeded']);
    expect(statusTrail(events, 'b')).toEqual(['queued', 'succeeded']);
    expect(statusTrail(events, 'c')).toEqual(['queued', 'running', 'succeeded']); // a tool that writes is claimed first
    for (const s of done.steps) {
      expect(s).toMatchObject({ status: 'succeeded', attempts: 1 });
      expect(Date.parse(s.startedAt!)).toBeLessThanOrEqual(Date.parse(s.finishedAt!));
    }
    expect(done.steps.find((s) => s.id === 'b')!.output).toEqual({ tool: 'fx:peek', input: { text: 'after fx:work' } });
  });

  it('marks one still running after markRunningAfterMs as running, then stores its result under that lease', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    behave['fx:peek'] = async () => {
      await gate;
      return { peeked: true };
    };
    const view = await o.start({ workspace: ws, goal: 'slow read', actor, plan: { steps: [{ id: 'p', tool: 'fx:peek', input: {} }] } });
    await until(async () => statuses(await o.get(view.run.id)).p === 'running');
    const running = (await o.get(view.run.id)).steps[0]!;
    expect(running).toMatchObject({ status: 'running', attempts: 1 });
    release();
    const done = await o.waitFor(view.run.id, ['succeeded', 'failed']);
    expect(done.steps[0]).toMatchObject({ status: 'succeeded', attempts: 1, output: { peeked: true } });
    expect(statusTrail(await o.events(view.run.id), 'p')).toEqual(['queued', 'running', 'succeeded']);
    expect(calls).toHaveLength(1);
  });

  it('ignores the result of one whose run was cancelled while it ran, marked running or not', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let returned = 0;
    behave['fx:peek'] = async () => {
      await gate;
      returned++;
      return { late: true };
    };
    const quick = await o.start({ workspace: ws, goal: 'cancel early', actor, plan: { steps: [{ id: 'p', tool: 'fx:peek', input: {} }] } });
    await until(() => calls.length === 1);
    expect(statuses(await o.get(quick.run.id))).toEqual({ p: 'queued' }); // not marked yet
    await o.cancel(quick.run.id, actor);
    const late = await o.start({ workspace: ws, goal: 'cancel late', actor, plan: { steps: [{ id: 'p', tool: 'fx:peek', input: {} }] } });
    await until(async () => statuses(await o.get(late.run.id)).p === 'running');
    await o.cancel(late.run.id, actor);
    release();
    await until(() => returned === 2);
    await o.close(); // lets the results being stored finish
    for (const run of [quick, late]) {
      const after = await o.get(run.run.id);
      expect(after.run.status).toBe('cancelled');
      expect(after.steps[0]).toMatchObject({ status: 'cancelled' });
      expect(after.steps[0]!.output).toBeUndefined();
      expect(statusTrail(await o.events(run.run.id), 'p')).not.toContain('succeeded');
    }
  });

  it('holds one for approval when governance asks (it is claimed, then waits)', async () => {
    behave['fx:peek'] = async () => PENDING;
    const view = await o.start({ workspace: ws, goal: 'held read', actor, plan: { steps: [{ id: 'p', tool: 'fx:peek', input: {} }] } });
    const held = await o.waitFor(view.run.id);
    expect(held.run.status).toBe('waiting_approval');
    expect(held.steps[0]).toMatchObject({ status: 'waiting_approval', approvalId: 'gov-1', attempts: 1 });
    const events = await o.events(view.run.id);
    expect(events.find((e) => e.type === 'approval.requested')?.data).toMatchObject({
      source: 'governance',
      reason: 'policy: review first',
    });
    expect(statusTrail(events, 'p')).toEqual(['queued', 'running', 'waiting_approval']);
  });

  it('stores once when its job is delivered twice, though the tool runs twice', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    behave['fx:peek'] = async (req) => {
      await gate;
      return { n: (req.input as { n: number }).n };
    };
    const view = await o.start({ workspace: ws, goal: 'twice', actor, plan: { steps: [{ id: 'p', tool: 'fx:peek', input: { n: 5 } }] } });
    await until(() => calls.length === 1);
    // The same job again, as BullMQ would deliver it after a stalled check.
    const again = o.execute({
      runId: view.run.id,
      stepId: 'p',
      dispatch: 1,
      exec: { tool: 'fx:peek', input: { n: 5 }, workspaceId: ws, actor },
    });
    await until(() => calls.length === 2);
    release();
    await (await again).written;
    const done = await o.waitFor(view.run.id, ['succeeded', 'failed']);
    expect(done.steps[0]).toMatchObject({ status: 'succeeded', output: { n: 5 }, attempts: 1 });
    expect(statusTrail(await o.events(view.run.id), 'p').filter((s) => s === 'succeeded')).toHaveLength(1);
    expect(calls.filter((c) => c.tool === 'fx:peek')).toHaveLength(2);
  });
});
