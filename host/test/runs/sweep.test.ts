import { type Database, sql } from '@neonhub/db';
import { createOrchestrator, createStepQueue, type Orchestrator, type OrchestratorDeps } from '@neonhub/orchestrator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptyTables, migratedMemoryDatabase } from './shared-database.js';

/**
 * The recovery sweep a running worker repeats, and the lease renewal of the steps a worker runs: a step whose
 * worker can no longer renew its lease (here: a second worker whose tool never returns and whose renewals stop
 * reaching the database, with no job left in this worker's queue) is dispatched again once its lease has
 * expired, and not before; a carried step left queued is dispatched again once untouched as long; a live
 * worker's long tools keep their steps. PGlite (one per file, emptied before each test), in-process queues (one per
 * worker).
 */
const actor = { type: 'user' as const, id: 'tester', role: 'owner' as const };
const TOOLS = [
  { name: 'fx:work', description: 'fixture', sideEffect: 'none' as const, inputSchema: { type: 'object' } },
  { name: 'fx:write', description: 'fixture', sideEffect: 'write' as const, inputSchema: { type: 'object' } },
];
const LEASE_MS = 600;

let database: Database;
let ws: string;
const open: Orchestrator[] = [];
let releaseHung: () => void = () => {};

/**
 * Cuts a worker off from renewing its leases once `on` (the renewal statement fails), as a network partition or
 * a dead process would: its steps' leases then run out while its tools still run.
 */
function partition() {
  const p = {
    on: false,
    transformQuery({ node }: { node: { kind: string; sqlFragments?: readonly string[] } }) {
      if (p.on && node.kind === 'RawNode' && node.sqlFragments?.join('?').includes('lease_until = now() +'))
        throw new Error('partitioned: the lease renewal did not reach the database');
      return node;
    },
    transformResult: async ({ result }: { result: unknown }) => result,
  };
  return p;
}

function orchestrator(
  callTool: OrchestratorDeps['callTool'],
  opts: { markRunningAfterMs?: number; partition?: ReturnType<typeof partition> } = {},
): Orchestrator {
  const o = createOrchestrator({
    db: opts.partition ? database.db.withPlugin(opts.partition as Parameters<typeof database.db.withPlugin>[0]) : database.db,
    queue: createStepQueue(),
    resolveWorkspace: async (id) => ({ id, slug: id }),
    approvalsProvider: () => undefined,
    tools: async () => TOOLS,
    callTool,
    leaseMs: LEASE_MS,
    recoverEveryMs: 100,
    markRunningAfterMs: opts.markRunningAfterMs ?? 20,
    pollMs: 50,
  });
  open.push(o);
  return o;
}

/** A worker that sweeps every 100 ms and records when its tool is called. */
async function healthyWorker() {
  const healthyCalls: number[] = [];
  const healthy = orchestrator(async () => {
    healthyCalls.push(Date.now());
    return { status: 'ok', output: { by: 'healthy worker' } };
  });
  await healthy.startWorker({ concurrency: 1, recover: false });
  return { healthy, healthyCalls };
}

beforeAll(async () => {
  database = await migratedMemoryDatabase();
});

afterAll(async () => {
  await database.close();
});

beforeEach(async () => {
  await emptyTables(database);
  ws = (await sql<{ id: string }>`insert into workspaces (slug, name) values ('sweep', 'Sweep') returning id`.execute(database.db)).rows[0]!
    .id;
});

afterEach(async () => {
  releaseHung();
  await Promise.all(open.splice(0).map((o) => o.close()));
});

describe('the recovery sweep of a running worker', () => {
  it('leaves a step running under a live lease alone, then dispatches it again once the lease expired; the late result is ignored', async () => {
    let hungCalled!: () => void;
    const hung = new Promise<void>((r) => (hungCalled = r));
    const cut = partition();
    const stuck = orchestrator(
      async () => {
        hungCalled();
        await new Promise<void>((r) => (releaseHung = r));
        return { status: 'ok', output: { by: 'stuck worker' } };
      },
      { partition: cut },
    );
    await stuck.startWorker({ concurrency: 1, recover: false });
    // The step's lease starts when it is marked running, after this instant: no sweep may take it before LEASE_MS later.
    const beforeStart = Date.now();
    const view = await stuck.start({ workspace: ws, goal: 'sweep', actor, plan: { steps: [{ id: 'a', tool: 'fx:write', input: {} }] } });
    await hung;
    cut.on = true; // from now on its lease is not renewed

    // Its sweeps run every 100 ms while the lease holds: the step is left to the worker that holds it, so the only
    // dispatch comes after the lease (asserted from the instant before the start, never from a snapshot taken after a
    // sleep, which a loaded machine can overshoot).
    const { healthy, healthyCalls } = await healthyWorker();

    const done = await healthy.waitFor(view.run.id, ['succeeded', 'failed'], 10_000);
    expect(done.run.status).toBe('succeeded');
    expect(done.steps[0]).toMatchObject({ status: 'succeeded', attempts: 2, output: { by: 'healthy worker' } });
    expect(healthyCalls).toHaveLength(1);
    expect(healthyCalls[0]! - beforeStart).toBeGreaterThanOrEqual(LEASE_MS);

    // The stuck worker's result arrives after it lost the lease: it is not stored.
    releaseHung();
    await new Promise((r) => setTimeout(r, 200));
    const after = await healthy.get(view.run.id);
    expect(after.steps[0]!.output).toEqual({ by: 'healthy worker' });
    const running = (await healthy.events(view.run.id)).filter((e) => e.stepId === 'a' && e.data.status === 'running');
    expect(running).toHaveLength(2);
  });

  it('dispatches again a step without side effects whose worker stopped before marking it running, once untouched for the lease', async () => {
    let hungCalled!: () => void;
    const hung = new Promise<void>((r) => (hungCalled = r));
    // Never marked running: the step stays queued, its job held by the stuck worker's own queue.
    const stuck = orchestrator(
      async () => {
        hungCalled();
        await new Promise<void>((r) => (releaseHung = r));
        return { status: 'ok', output: { by: 'stuck worker' } };
      },
      { markRunningAfterMs: 60_000 },
    );
    await stuck.startWorker({ concurrency: 1, recover: false });
    // The step is last touched when it is queued, after this instant: no sweep may take it before LEASE_MS later.
    const beforeStart = Date.now();
    const view = await stuck.start({
      workspace: ws,
      goal: 'sweep queued',
      actor,
      plan: { steps: [{ id: 'a', tool: 'fx:work', input: {} }] },
    });
    await hung;

    const { healthy, healthyCalls } = await healthyWorker();

    const done = await healthy.waitFor(view.run.id, ['succeeded', 'failed'], 10_000);
    expect(done.steps[0]).toMatchObject({ status: 'succeeded', attempts: 1, output: { by: 'healthy worker' } });
    expect(healthyCalls).toHaveLength(1);
    expect(healthyCalls[0]! - beforeStart).toBeGreaterThanOrEqual(LEASE_MS);

    // The stuck worker's result is for the first dispatch: not stored.
    releaseHung();
    await new Promise((r) => setTimeout(r, 200));
    expect((await healthy.get(view.run.id)).steps[0]!.output).toEqual({ by: 'healthy worker' });
    const succeeded = (await healthy.events(view.run.id)).filter((e) => e.stepId === 'a' && e.data.status === 'succeeded');
    expect(succeeded).toHaveLength(1);
  });

  it('renews the leases of steps whose tools outlast them: another worker sweeping leaves them alone, each runs once', async () => {
    const calls: string[] = [];
    const slow = orchestrator(async (req) => {
      calls.push(`slow ${req.tool}`);
      await new Promise((r) => setTimeout(r, LEASE_MS * 3));
      return { status: 'ok', output: { by: 'slow worker' } };
    });
    await slow.startWorker({ concurrency: 2, recover: false });
    const view = await slow.start({
      workspace: ws,
      goal: 'long tools',
      actor,
      plan: {
        steps: [
          { id: 'w', tool: 'fx:write', input: {} },
          { id: 'n', tool: 'fx:work', input: {} },
        ],
      },
    });
    const sweeper = orchestrator(async (req) => {
      calls.push(`sweeper ${req.tool}`);
      return { status: 'ok', output: { by: 'sweeping worker' } };
    });
    await sweeper.startWorker({ concurrency: 2, recover: false });

    const done = await slow.waitFor(view.run.id, ['succeeded', 'failed'], 10_000);
    expect(done.run.status).toBe('succeeded');
    expect(calls.sort()).toEqual(['slow fx:work', 'slow fx:write']);
    for (const s of done.steps) expect(s).toMatchObject({ status: 'succeeded', attempts: 1, output: { by: 'slow worker' } });
    const running = (await slow.events(view.run.id)).filter((e) => e.data.status === 'running');
    expect(running.map((e) => e.stepId).sort()).toEqual(['n', 'w']);
  });
});
