/**
 * Runs benchmark: (1) step throughput through the orchestrator on BullMQ + PostgreSQL vs raw BullMQ add -> process,
 * side by side in one run, same concurrency, no-op work (N independent steps, then N/20 parallel chains of 20);
 * (2) per-job overhead of the in-process queue.
 * Needs Redis (REDIS_URL, default redis://127.0.0.1:6379) and PostgreSQL (PG_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 * Usage: tsx bench/runs/run.ts [steps=1000] [concurrency=8]
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createDatabase, migrate, sql } from '../../core/db/src/index.js';
import { createOrchestrator, createStepQueue } from '../../core/orchestrator/src/index.js';
import { createBullQueue, createMemoryQueue, deleteBullPrefix } from '../../core/queue/src/index.js';

const N = Number(process.argv[2] ?? 1000);
const C = Number(process.argv[3] ?? 8);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const adminUrl = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const prefix = `nhbench-${process.pid}`;
const Payload = z.object({ i: z.number().int() });

async function rawBull(): Promise<number> {
  const q = createBullQueue({ name: `raw-${randomUUID().slice(0, 6)}`, schema: Payload, redisUrl, prefix });
  let done = 0;
  let finish!: () => void;
  const all = new Promise<void>((r) => (finish = r));
  await q.process(
    async () => {
      if (++done === N) finish();
    },
    { concurrency: C },
  );
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await q.add('job', { i }, { jobId: `j${i}` });
  await all;
  const ms = performance.now() - t0;
  await q.close();
  return (N / ms) * 1000;
}

/** `flat`: N independent steps; `chains`: N/20 parallel chains of 20 (each step dispatched by its predecessor). */
async function orchestrated(shape: 'flat' | 'chains'): Promise<{ perSec: number; dbName: string }> {
  const dbName = `nh_bench_runs_${process.pid}_${shape}`;
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
    isEnabled: () => false,
    tools: async () => [{ name: 'fx:noop', description: 'no-op', sideEffect: 'none', inputSchema: { type: 'object' } }],
    callTool: async () => ({ status: 'ok', output: {} }),
    pollMs: 50,
  });
  await o.startWorker({ concurrency: C });
  const width = Math.max(1, Math.floor(N / 20));
  const steps = Array.from({ length: N }, (_, i) => ({
    id: `s${i}`,
    tool: 'fx:noop',
    input: {},
    dependsOn: shape === 'chains' && i >= width ? [`s${i - width}`] : [],
  }));
  const t0 = performance.now();
  const view = await o.start({ workspace: ws, goal: 'bench', actor: { type: 'system', id: 'bench' }, plan: { steps } });
  const done = await o.waitFor(view.run.id, ['succeeded', 'failed'], 600_000);
  const ms = performance.now() - t0;
  if (done.run.status !== 'succeeded') throw new Error(`bench run ${done.run.status}`);
  await o.close();
  await database.close();
  const admin2 = await createDatabase({ databaseUrl: adminUrl, maxConnections: 1 });
  await sql.raw(`drop database if exists ${dbName} with (force)`).execute(admin2.db);
  await admin2.close();
  return { perSec: (N / ms) * 1000, dbName };
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
  const orch = await orchestrated('flat');
  const chains = await orchestrated('chains');
  const mem = await memoryOverhead();
  const ratio = orch.perSec / raw;
  console.log(`steps=${N} concurrency=${C}`);
  console.log(`raw BullMQ add -> process:            ${raw.toFixed(0)} jobs/s`);
  console.log(
    `orchestrator (BullMQ + PostgreSQL):   ${orch.perSec.toFixed(0)} steps/s  (${ratio.toFixed(2)}x raw; goal >= 0.8x: ${ratio >= 0.8 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `orchestrator, ${Math.max(1, Math.floor(N / 20))} chains of 20:      ${chains.perSec.toFixed(0)} steps/s  (${(chains.perSec / raw).toFixed(2)}x raw)`,
  );
  console.log(`in-process queue per-job overhead:     ${mem.toFixed(2)} us  (goal <= 100 us: ${mem <= 100 ? 'met' : 'NOT met'})`);
} finally {
  await deleteBullPrefix(redisUrl, prefix);
}
