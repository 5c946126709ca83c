/**
 * bench/analytics: ingest result events and time the funnel query of one campaign, on PGlite and on PostgreSQL,
 * side by side with a plain `COUNT(*) ... GROUP BY` over the same table (the baseline), plus the full funnel
 * (with its Beta intervals) and the attribution query.
 *
 *   npx tsx bench/run.ts analytics                          # PostgreSQL 1,000,000 events, PGlite 200,000
 *   npx tsx bench/analytics/run.ts --pg 1000000 --pglite 200000 --iterations 200
 *
 * PostgreSQL: NEONHUB_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres); a scratch database
 * is created and dropped. PGlite runs in memory; it is single-threaded WASM, so it gets a smaller N by default.
 * Goal (the seed's DB target): funnel p95 <= 50 ms at 1M events on PostgreSQL.
 */
import { type DB, type Kysely, migrate, sql } from '@neonhub/db';
import { attribution, funnel, funnelCounts } from '../../host/src/results/analytics.js';
import { insertEvents, type NewEvent } from '../../host/src/results/events.js';
import { withPglite, withScratchPostgres } from '../scratch-db.js';
import { printTable, type Summary, summarize } from '../stats.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const N_PG = arg('pg', 1_000_000);
const N_PGLITE = arg('pglite', 200_000);
const ITER = arg('iterations', 200);
const CAMPAIGNS = 20;
const CONTACTS = 20_000;
const BATCH = 1000;
const KINDS: Array<[string, number]> = [
  ['sent', 0.4],
  ['delivered', 0.35],
  ['opened', 0.14],
  ['clicked', 0.08],
  ['converted', 0.03],
];

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function time(f: () => Promise<unknown>, n: number): Promise<number[]> {
  for (let i = 0; i < Math.min(10, n); i++) await f();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    out.push(performance.now() - t);
  }
  return out;
}

async function run(label: string, db: Kysely<DB>, n: number, vacuum: boolean): Promise<Summary[]> {
  await migrate(db);
  const ws = await db
    .insertInto('workspaces')
    .values({ slug: `bench-${Date.now()}`, name: 'bench' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const contactIds: string[] = [];
  for (let i = 0; i < CONTACTS; i += BATCH) {
    const rows = await db
      .insertInto('contacts')
      .values(Array.from({ length: Math.min(BATCH, CONTACTS - i) }, (_, j) => ({ workspace_id: ws.id, email: `c${i + j}@bench.example` })))
      .returning('id')
      .execute();
    contactIds.push(...rows.map((r) => r.id));
  }
  const rand = rng(42);
  const start = Date.UTC(2026, 10, 1);
  const pick = () => {
    const x = rand();
    let acc = 0;
    for (const [k, p] of KINDS) {
      acc += p;
      if (x < acc) return k;
    }
    return 'sent';
  };
  const t0 = performance.now();
  for (let i = 0; i < n; i += BATCH) {
    const batch: NewEvent[] = Array.from({ length: Math.min(BATCH, n - i) }, () => ({
      workspace_id: ws.id,
      campaign: `campaign-${Math.floor(rand() * CAMPAIGNS)}`,
      variant: rand() < 0.5 ? 'A' : 'B',
      channel: ['email', 'sms', 'social'][Math.floor(rand() * 3)] as string,
      contact_id: contactIds[Math.floor(rand() * contactIds.length)] as string,
      kind: pick(),
      occurred_at: new Date(start + Math.floor(rand() * 30 * 86_400_000)),
      source: 'bench',
    }));
    await insertEvents(db, batch);
  }
  const ingestS = (performance.now() - t0) / 1000;
  if (vacuum) await sql`vacuum analyze result_events`.execute(db);
  else await sql`analyze result_events`.execute(db);
  await sql`analyze result_daily`.execute(db);
  console.log(
    `${label}: ingested ${n.toLocaleString()} events in ${ingestS.toFixed(1)} s (${Math.round(n / ingestS).toLocaleString()} events/s, batches of ${BATCH})`,
  );

  const campaign = 'campaign-7';
  const rows: Summary[] = [];
  const iters = ITER;
  rows.push(
    summarize(
      `${label} baseline: COUNT(*) GROUP BY kind (whole table)`,
      await time(() => sql`select kind, count(*) from result_events group by kind`.execute(db), Math.max(5, Math.floor(iters / 20))),
    ),
  );
  rows.push(
    summarize(
      `${label} baseline: COUNT(*) GROUP BY kind, one campaign`,
      await time(() => sql`select kind, count(*) from result_events where campaign = ${campaign} group by kind`.execute(db), iters),
    ),
  );
  rows.push(
    summarize(
      `${label} funnel counted from events (index-only scan)`,
      await time(
        () =>
          sql`select variant, channel, kind, count(*) from result_events where workspace_id = ${ws.id} and campaign = ${campaign} group by variant, channel, kind`.execute(
            db,
          ),
        iters,
      ),
    ),
  );
  rows.push(summarize(`${label} funnel query (one campaign)`, await time(() => funnelCounts(db, ws.id, campaign), iters)));
  rows.push(summarize(`${label} funnel + Beta intervals (API answer)`, await time(() => funnel(db, ws.id, campaign), iters)));
  rows.push(
    summarize(
      `${label} attribution, 30 days (whole workspace)`,
      await time(() => attribution(db, ws.id, 30), Math.max(3, Math.floor(iters / 40))),
    ),
  );
  const plan = await sql<{
    'QUERY PLAN': string;
  }>`explain select variant, channel, kind, count(*) from result_events where workspace_id = ${ws.id} and campaign = ${campaign} group by variant, channel, kind`.execute(
    db,
  );
  console.log(`${label} funnel plan:\n  ${plan.rows.map((r) => r['QUERY PLAN']).join('\n  ')}`);
  return rows;
}

const ms = (x: number) => `${x.toFixed(2)} ms`;
function report(title: string, rows: Summary[]) {
  printTable(title, rows);
  console.log(rows.map((r) => `  ${r.name.padEnd(56)} p50 ${ms(r.p50).padStart(10)}  p95 ${ms(r.p95).padStart(10)}`).join('\n'));
}

const all: Summary[] = [];
// PGlite (--pglite 0 skips it), then PostgreSQL
if (N_PGLITE > 0) all.push(...(await withPglite((d) => run(`pglite N=${N_PGLITE / 1000}k`, d.db, N_PGLITE, true))));
all.push(...(await withScratchPostgres('neonhub_bench_analytics', (d) => run(`postgres N=${N_PG / 1000}k`, d.db, N_PG, true))));
report('analytics: funnel vs a plain COUNT ... GROUP BY (ms; ratio to the first row)', all);
const pgFunnel = all.find((r) => r.name.startsWith('postgres') && r.name.includes('funnel query'));
if (pgFunnel)
  console.log(
    `\ngoal: funnel p95 <= 50 ms at 1M events on PostgreSQL -> p95 ${ms(pgFunnel.p95)} at N=${N_PG.toLocaleString()}: ${pgFunnel.p95 <= 50 ? 'met' : 'NOT met'}`,
  );
