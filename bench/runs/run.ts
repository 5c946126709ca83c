/**
 * Runs benchmark: (1) step throughput through the orchestrator on BullMQ + PostgreSQL vs raw BullMQ add -> process,
 * side by side, same concurrency, no-op work: N independent steps of a tool without side effects (their jobs carry
 * them: no claim), N/20 parallel chains of 20 of the same, and N independent steps of a tool that writes (each
 * claimed before it runs); (2) per-job overhead of the in-process queue.
 *
 * Beside them, graphile-worker (a PostgreSQL-native job queue: LISTEN/NOTIFY, `SKIP LOCKED`) doing the same durable
 * work per step: one job per step, the independent ones inserted in one statement (`add_jobs`), a chain's next step
 * added by the worker that ran its predecessor, a step counted once its completion is written back (`job:complete`).
 *
 * What each side makes durable per step (a commit of PostgreSQL, fsync on, on each side that uses it):
 * - raw BullMQ: the job in Redis (added one by one), fetched, completed and removed; nothing in PostgreSQL.
 * - orchestrator: the run and its steps inserted (one statement per run); per step its BullMQ job (added in bulk,
 *   fetched, completed) and, in PostgreSQL, the step's result (status, output, times) with its `step.status`
 *   event, written by a group commit of the steps that finish together (one statement for the group, which also
 *   releases their dependents and settles the run when it is over); a step that writes is also claimed first
 *   (status running under a lease, with its event: one statement per group of claims).
 * - graphile-worker: the job row inserted (in one statement for the independent ones, by the worker for a chain's
 *   next), fetched under `SKIP LOCKED` and deleted on completion: two or three statements (commits) per step.
 * After the timed rounds one more round of each is counted (`round-trips.ts`) and printed per step: PostgreSQL
 * statements and commits, Redis round trips and commands, client-side.
 *
 * Each side gets one warm-up round (JIT, connection pools, PostgreSQL's plan caches), then `rounds` measured
 * rounds, interleaved (raw, flat, chains, raw, ...) so that load on the machine falls on all of them alike; the
 * median round is reported, with every round listed.
 * Needs Redis (REDIS_URL, default redis://127.0.0.1:6379) and PostgreSQL (PG_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 * Usage: tsx bench/runs/run.ts [steps=1000] [concurrency=8] [rounds=3]
 */
import { randomUUID } from 'node:crypto';
import { Logger, makeWorkerUtils, run as runGraphile } from 'graphile-worker';
import { z } from 'zod';
import { createDatabase, migrate, sql } from '../../core/db/src/index.js';
import { createOrchestrator, createStepQueue } from '../../core/orchestrator/src/index.js';
import { createBullQueue, createMemoryQueue, deleteBullPrefix } from '../../core/queue/src/index.js';
import { type Counts, diff, installCounters, snapshot } from './round-trips.js';

const N = Number(process.argv[2] ?? 1000);
const C = Number(process.argv[3] ?? 8);
const ROUNDS = Number(process.argv[4] ?? 3);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const adminUrl = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const prefix = `nhbench-${process.pid}`;
const dbName = `nh_bench_runs_${process.pid}`;
const Payload = z.object({ i: z.number().int() });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Raw BullMQ: one worker with concurrency C; a round adds N jobs one by one and waits until all are processed. */
async function rawBull() {
  const q = createBullQueue({ name: `raw-${randomUUID().slice(0, 6)}`, schema: Payload, redisUrl, prefix });
  let done = 0;
  let target = 0;
  let finish = () => {};
  await q.process(
    async () => {
      if (++done === target) finish();
    },
    { concurrency: C },
  );
  let next = 0;
  return {
    async round(): Promise<number> {
      const all = new Promise<void>((r) => (finish = r));
      target += N;
      const t0 = performance.now();
      for (let i = 0; i < N; i++) await q.add('job', { i }, { jobId: `j${next++}` });
      await all;
      return (N / (performance.now() - t0)) * 1000;
    },
    close: () => q.close(),
  };
}

/** The orchestrator with a worker of concurrency C on its own database; a round starts one run and waits for it. */
async function orchestrator() {
  const admin = await createDatabase({ databaseUrl: adminUrl, maxConnections: 1 });
  await sql.raw(`drop database if exists ${dbName} with (force)`).execute(admin.db);
  await sql.raw(`create database ${dbName}`).execute(admin.db);
  await admin.close();
  const database = await createDatabase({ databaseUrl: adminUrl.replace(/\/[^/]*$/, `/${dbName}`), maxConnections: C + 4 });
  await migrate(database.db);
  const ws = (await sql<{ id: string }>`insert into workspaces (slug, name) values ('bench', 'Bench') returning id`.execute(database.db))
    .rows[0]!.id;
  const o = createOrchestrator({
    db: database.db,
    queue: createStepQueue({ redisUrl, prefix }),
    resolveWorkspace: async (id) => ({ id, slug: id }),
    approvalsProvider: () => undefined,
    tools: async () => [
      { name: 'fx:noop', description: 'no-op', sideEffect: 'none', inputSchema: { type: 'object' } },
      { name: 'fx:write', description: 'no-op declared as writing', sideEffect: 'write', inputSchema: { type: 'object' } },
    ],
    callTool: async () => ({ status: 'ok', output: {} }),
    pollMs: 50,
  });
  await o.startWorker({ concurrency: C });
  const width = Math.max(1, Math.floor(N / 20));
  return {
    /**
     * `flat`: N independent steps; `chains`: N/20 parallel chains of 20 (each step dispatched by its predecessor);
     * `claimed`: N independent steps of the tool that writes.
     */
    async round(shape: 'flat' | 'chains' | 'claimed'): Promise<number> {
      const steps = Array.from({ length: N }, (_, i) => ({
        id: `s${i}`,
        tool: shape === 'claimed' ? 'fx:write' : 'fx:noop',
        input: {},
        dependsOn: shape === 'chains' && i >= width ? [`s${i - width}`] : [],
      }));
      const t0 = performance.now();
      const view = await o.start({ workspace: ws, goal: 'bench', actor: { type: 'system', id: 'bench' }, plan: { steps } });
      const done = await o.waitFor(view.run.id, ['succeeded', 'failed'], 600_000);
      const ms = performance.now() - t0;
      if (done.run.status !== 'succeeded') throw new Error(`bench run ${done.run.status}`);
      return (N / ms) * 1000;
    },
    async close() {
      await o.close();
      await database.close();
      const admin2 = await createDatabase({ databaseUrl: adminUrl, maxConnections: 1 });
      await sql.raw(`drop database if exists ${dbName} with (force)`).execute(admin2.db);
      await admin2.close();
    },
  };
}

/** graphile-worker's own logging, errors only (its info lines would interleave with the table). */
const quietGraphileLogger = new Logger(() => (level, message) => {
  if (level === 'error') console.error(`graphile-worker: ${message}`);
});

/** graphile-worker on its own database, concurrency C: `flat` N independent jobs, `chains` N/20 chains of 20. */
async function graphile() {
  const gwDb = `nh_bench_gw_${process.pid}`;
  const admin = await createDatabase({ databaseUrl: adminUrl, maxConnections: 1 });
  await sql.raw(`drop database if exists ${gwDb} with (force)`).execute(admin.db);
  await sql.raw(`create database ${gwDb}`).execute(admin.db);
  await admin.close();
  const connectionString = adminUrl.replace(/\/[^/]*$/, `/${gwDb}`);
  const utils = await makeWorkerUtils({ connectionString, logger: quietGraphileLogger });
  await utils.migrate();
  const width = Math.max(1, Math.floor(N / 20));
  let chained = false;
  let done = 0;
  let target = 0;
  let finish = () => {};
  const runner = await runGraphile({
    connectionString,
    concurrency: C,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: quietGraphileLogger,
    taskList: {
      step: async (payload, helpers) => {
        const { i } = Payload.parse(payload);
        if (chained && i + width < N) await helpers.addJob('step', { i: i + width });
      },
    },
  });
  runner.events.on('job:complete', ({ error }) => {
    if (error) throw error;
    if (++done === target) finish();
  });
  return {
    async round(shape: 'flat' | 'chains'): Promise<number> {
      chained = shape === 'chains';
      const all = new Promise<void>((r) => (finish = r));
      target += N;
      const roots = Array.from({ length: shape === 'chains' ? width : N }, (_, i) => ({ identifier: 'step', payload: { i } }));
      const t0 = performance.now();
      await utils.withPgClient((client) =>
        client.query(
          'select graphile_worker.add_jobs(array(select json_populate_record(null::graphile_worker.job_spec, x) from json_array_elements($1::json) x))',
          [JSON.stringify(roots)],
        ),
      );
      await all;
      return (N / (performance.now() - t0)) * 1000;
    },
    async close() {
      await runner.stop();
      await utils.release();
      const admin2 = await createDatabase({ databaseUrl: adminUrl, maxConnections: 1 });
      await sql.raw(`drop database if exists ${gwDb} with (force)`).execute(admin2.db);
      await admin2.close();
    },
  };
}

async function memoryOverhead(jobs = 200_000): Promise<number> {
  const q = createMemoryQueue({ name: 'mem', schema: Payload });
  let done = 0;
  let finish!: () => void;
  const all = new Promise<void>((r) => (finish = r));
  await q.process(
    async () => {
      if (++done === jobs) finish();
    },
    { concurrency: C },
  );
  const t0 = performance.now();
  for (let i = 0; i < jobs; i++) await q.add('job', { i }, { jobId: `m${i}` });
  await all;
  const us = ((performance.now() - t0) * 1000) / jobs;
  await q.close();
  return us;
}

try {
  const raw = await rawBull();
  const orch = await orchestrator();
  const gw = await graphile();
  try {
    await raw.round();
    await orch.round('flat');
    await orch.round('chains');
    await orch.round('claimed');
    await gw.round('flat');
    await gw.round('chains');
    const r: Record<'raw' | 'flat' | 'chains' | 'claimed' | 'gwFlat' | 'gwChains', number[]> = {
      raw: [],
      flat: [],
      chains: [],
      claimed: [],
      gwFlat: [],
      gwChains: [],
    };
    for (let i = 0; i < ROUNDS; i++) {
      r.raw.push(await raw.round());
      r.flat.push(await orch.round('flat'));
      r.gwFlat.push(await gw.round('flat'));
      r.chains.push(await orch.round('chains'));
      r.gwChains.push(await gw.round('chains'));
      r.claimed.push(await orch.round('claimed'));
    }
    // One more round of each, counted (after the timed ones: the counters cost a little).
    installCounters();
    const counted = async (label: string, round: () => Promise<number>) => {
      const before = snapshot();
      await round();
      return [label, diff(before, snapshot())] as [string, Counts];
    };
    const perStep = [
      await counted('raw BullMQ', () => raw.round()),
      await counted('orchestrator', () => orch.round('flat')),
      await counted('orchestrator, chains', () => orch.round('chains')),
      await counted('orchestrator, writes', () => orch.round('claimed')),
      await counted('graphile-worker', () => gw.round('flat')),
      await counted('graphile-worker, chains', () => gw.round('chains')),
    ];
    const mem = await memoryOverhead();
    const [rawM, flatM, chainsM, claimedM] = [median(r.raw), median(r.flat), median(r.chains), median(r.claimed)];
    const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
    const ratio = flatM / rawM;
    console.log(`steps=${N} concurrency=${C} rounds=${ROUNDS} (after one warm-up round each; median, then every round)`);
    console.log(`raw BullMQ add -> process:            ${rawM.toFixed(0)} jobs/s   [${list(r.raw)}]`);
    console.log(
      `orchestrator (BullMQ + PostgreSQL):   ${flatM.toFixed(0)} steps/s  (${ratio.toFixed(2)}x raw; goal >= 0.7x (issue 17): ${ratio >= 0.7 ? 'met' : 'NOT met'})   [${list(r.flat)}]`,
    );
    console.log(
      `orchestrator, ${Math.max(1, Math.floor(N / 20))} chains of 20:      ${chainsM.toFixed(0)} steps/s  (${(chainsM / rawM).toFixed(2)}x raw)   [${list(r.chains)}]`,
    );
    console.log(
      `orchestrator, steps that write:       ${claimedM.toFixed(0)} steps/s  (${(claimedM / rawM).toFixed(2)}x raw; claimed before they run)   [${list(r.claimed)}]`,
    );
    const [gwFlatM, gwChainsM] = [median(r.gwFlat), median(r.gwChains)];
    console.log(
      `graphile-worker (PostgreSQL):         ${gwFlatM.toFixed(0)} steps/s  (${(gwFlatM / rawM).toFixed(2)}x raw; orchestrator ${(flatM / gwFlatM).toFixed(2)}x it: ${flatM > gwFlatM ? 'beats it' : 'does NOT beat it'})   [${list(r.gwFlat)}]`,
    );
    console.log(
      `graphile-worker, chains of 20:        ${gwChainsM.toFixed(0)} steps/s  (orchestrator ${(chainsM / gwChainsM).toFixed(2)}x it)   [${list(r.gwChains)}]`,
    );
    console.log('per step (one counted round each): PostgreSQL statements / commits, Redis round trips / commands');
    for (const [label, c] of perStep)
      console.log(
        `  ${label.padEnd(26)} ${(c.pgStatements / N).toFixed(2).padStart(6)} / ${(c.pgCommits / N).toFixed(2).padStart(5)}    ${(c.redisRoundTrips / N).toFixed(2).padStart(6)} / ${(c.redisCommands / N).toFixed(2).padStart(5)}`,
      );
    console.log(`in-process queue per-job overhead:     ${mem.toFixed(2)} us  (goal <= 100 us: ${mem <= 100 ? 'met' : 'NOT met'})`);
  } finally {
    await gw.close();
    await orch.close();
    await raw.close();
  }
} finally {
  await deleteBullPrefix(redisUrl, prefix);
}
