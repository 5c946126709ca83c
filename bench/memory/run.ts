/**
 * Memory benchmark: HNSW (pgvector on PGlite) against an exact scan on clustered 384-d data.
 *
 *   npx tsx bench/memory/run.ts                    # n = 100000
 *   npx tsx bench/memory/run.ts --n 20000,100000   # several sizes, one after the other
 *   npx tsx bench/memory/run.ts --n 10000         # the small run that proves it works (a minute or two)
 *   npx tsx bench/memory/run.ts --data-dir D --reuse  # the first run keeps D/n<N>; later runs with --reuse measure
 *                                                 # the searches again without the load and the build
 *   options: --queries 200 --exact-queries 50 --clusters 200 --ef 40,100,200 --dims 384 --data-dir DIR --seed 7
 *            --m 16 --ef-construction 64 --maintenance-work-mem 1GB   (the HNSW build, once after the bulk load)
 *
 * The build is the long step at 100k: PGlite is PostgreSQL in WebAssembly on one thread (no parallel build), so it
 * runs at a fraction of native pgvector's speed, and on a loaded machine at a fraction of that. The graph must fit
 * in maintenance_work_mem (1GB holds 100k x 384 with m=16) or pgvector goes on inserting tuple by tuple on disk,
 * many times slower. Progress is logged to stderr; the table goes to stdout.
 *
 * Ground truth for recall is a brute-force scan in JS over the same float32 vectors; the
 * exact SQL scan (index scans off) is timed on the first --exact-queries queries and its
 * agreement with the JS ground truth is printed as a check.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createMemoryStore,
  createVectorIndex,
  dropVectorIndex,
  type Embedder,
  explainVectorSearch,
  type MemoryStore,
  vectorLiteral,
} from '@neonhub/mcp-memory';
import { bruteForceTopK, type ClusteredData, clusteredVectors, queriesNear } from './data.js';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '200' },
    'exact-queries': { type: 'string', default: '50' },
    clusters: { type: 'string', default: '200' },
    ef: { type: 'string', default: '40,100,200' },
    dims: { type: 'string', default: '384' },
    seed: { type: 'string', default: '7' },
    'data-dir': { type: 'string' },
    reuse: { type: 'boolean', default: false },
    'batch-rows': { type: 'string', default: '250' },
    m: { type: 'string', default: '16' },
    'ef-construction': { type: 'string', default: '64' },
    'maintenance-work-mem': { type: 'string', default: '1GB' },
  },
});

const sizes = args.n.split(',').map((s) => Number.parseInt(s.replace(/_/g, ''), 10));
const nQueries = Number(args.queries);
const nExact = Number(args['exact-queries']);
const clusters = Number(args.clusters);
const efList = args.ef.split(',').map(Number);
const dims = Number(args.dims);
const seed = Number(args.seed);
const batchRows = Number(args['batch-rows']);
/** HNSW build parameters: the build is the long step at 100k on PGlite (WebAssembly, one thread, no parallel build). */
const build = { m: Number(args.m), efConstruction: Number(args['ef-construction']), maintenanceWorkMem: args['maintenance-work-mem'] };
const buildLabel = `m=${build.m}, ef_construction=${build.efConstruction}, maintenance_work_mem=${build.maintenanceWorkMem}`;
const K = 10;
const WS = 'bench';
const COLLECTION = 'bench';

const now = () => performance.now();
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const log = (msg: string) => process.stderr.write(`[bench/memory] ${msg}\n`);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function stats(latencies: number[]) {
  const s = [...latencies].sort((a, b) => a - b);
  return { p50: pct(s, 50), p95: pct(s, 95), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** Vectors come precomputed; the store only needs the embedder's identity and size. */
const benchEmbedder: Embedder = {
  id: `bench-clustered-${dims}`,
  dimensions: dims,
  async embed() {
    throw new Error('the benchmark inserts precomputed vectors');
  },
};

async function load(store: MemoryStore, data: ClusteredData): Promise<number> {
  const t0 = now();
  await dropVectorIndex(store.db); // build it once after loading
  await store.db.transaction().execute(async (trx) => {
    await trx.insertInto('collections').values({ workspace: WS, name: COLLECTION, kind: 'knowledge_base' }).execute();
    const docs = data.clusterSizes.map((_, c) => ({
      id: `doc-${c}`,
      workspace: WS,
      collection: COLLECTION,
      title: `Topic ${c}`,
      source: null,
      format: 'text',
      content: `synthetic topic ${c}`,
      content_hash: `bench-${c}`,
      metadata: '{}',
    }));
    await trx.insertInto('documents').values(docs).execute();
  });
  const perTransaction = batchRows * 20;
  for (let start = 0; start < data.count; start += perTransaction) {
    const end = Math.min(data.count, start + perTransaction);
    await store.db.transaction().execute(async (trx) => {
      for (let b = start; b < end; b += batchRows) {
        const rows = [];
        for (let r = b; r < Math.min(end, b + batchRows); r++) {
          const c = data.cluster[r]!;
          rows.push({
            id: `v${r}`,
            document_id: `doc-${c}`,
            workspace: WS,
            collection: COLLECTION,
            ord: r,
            text: `topic ${c} passage ${r}`,
            metadata: '{}',
            embedding: vectorLiteral(Array.from(data.vectors.subarray(r * dims, (r + 1) * dims))),
          });
        }
        await trx.insertInto('chunks').values(rows).execute();
      }
    });
    if ((end / perTransaction) % 4 === 0 || end === data.count) log(`  loaded ${end}/${data.count} rows (${secs(now() - t0)})`);
  }
  return now() - t0;
}

interface Row {
  method: string;
  recall: number;
  queries: number;
  p50: number;
  p95: number;
  mean: number;
}

async function measure(
  store: MemoryStore,
  queries: Float32Array[],
  truth: number[][],
  opts: { efSearch?: number; exact?: boolean },
): Promise<{ recall: number; latencies: number[] }> {
  // warm-up: page in the index / table
  for (const q of queries.slice(0, 3)) await store.searchByEmbedding(WS, Array.from(q), { limit: K, ...opts });
  const latencies: number[] = [];
  let found = 0;
  for (let i = 0; i < queries.length; i++) {
    const t0 = now();
    const hits = await store.searchByEmbedding(WS, Array.from(queries[i]!), { limit: K, ...opts });
    latencies.push(now() - t0);
    const want = new Set(truth[i]!.map((r) => `v${r}`));
    found += hits.filter((h) => want.has(h.chunkId)).length;
  }
  return { recall: found / (queries.length * K), latencies };
}

/** A kept data dir holds this size's rows and a built index (same seed, so the same vectors): `--reuse` skips both. */
async function builtBefore(store: MemoryStore, n: number): Promise<boolean> {
  const rows = await store.db
    .selectFrom('chunks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace', '=', WS)
    .executeTakeFirst();
  const plan = await explainVectorSearch(store.db, new Array(dims).fill(0), { workspace: WS, limit: K, efSearch: 40 });
  return Number(rows?.n ?? 0) === n && plan.includes('chunks_embedding_hnsw_idx');
}

async function runSize(n: number) {
  log(`n = ${n}: generating ${clusters} clusters x ${dims} dims`);
  let t0 = now();
  const data = clusteredVectors({ count: n, dims, clusters, seed });
  const queries = queriesNear(data, nQueries, seed + 1);
  const genMs = now() - t0;
  const sizes = [...data.clusterSizes].sort((a, b) => a - b);

  const dir = args['data-dir'] ? join(args['data-dir'], `n${n}`) : mkdtempSync(join(tmpdir(), `nh-memory-bench-${n}-`));
  t0 = now();
  const store = await createMemoryStore({ embedder: benchEmbedder, dataDir: dir });
  const openMs = now() - t0;
  try {
    const reused = args.reuse && (await builtBefore(store, n));
    let loadMs = 0;
    let indexMs = 0;
    let analyzeMs = 0;
    if (reused) {
      log(`  reusing ${dir}: ${n} rows and the HNSW index are there (load and build not measured in this run)`);
    } else {
      loadMs = await load(store, data);
      log(`  load done in ${secs(loadMs)}; building HNSW (${buildLabel}) over the loaded rows`);
      t0 = now();
      await createVectorIndex(store.db, build);
      indexMs = now() - t0;
      t0 = now();
      await store.analyze(); // PGlite has no autovacuum: without statistics the planner ignores the index
      analyzeMs = now() - t0;
      log(`  index built in ${secs(indexMs)}, ANALYZE ${secs(analyzeMs)}; ground truth by brute force`);
    }

    t0 = now();
    const truth = queries.map((q) => bruteForceTopK(data, q, K));
    const truthMs = now() - t0;

    const q0 = Array.from(queries[0]!);
    const hnswPlan = await explainVectorSearch(store.db, q0, {
      workspace: WS,
      limit: K,
      efSearch: efList[0]!,
      iterativeScan: store.schema.iterativeScan,
    });
    const exactPlan = await explainVectorSearch(store.db, q0, { workspace: WS, limit: K, efSearch: 0, exact: true });

    const rows: Row[] = [];
    for (const ef of efList) {
      log(`  HNSW ef_search=${ef}: ${queries.length} queries`);
      const r = await measure(store, queries, truth, { efSearch: ef });
      rows.push({ method: `HNSW, ef_search=${ef}`, recall: r.recall, queries: queries.length, ...stats(r.latencies) });
    }
    const exactQueries = queries.slice(0, nExact);
    log(`  exact scan: ${exactQueries.length} queries`);
    const ex = await measure(store, exactQueries, truth.slice(0, nExact), { exact: true });
    rows.push({ method: 'exact (seq scan, index off)', recall: ex.recall, queries: exactQueries.length, ...stats(ex.latencies) });

    return {
      n,
      dir,
      reused,
      genMs,
      openMs,
      loadMs,
      indexMs,
      analyzeMs,
      truthMs,
      rows,
      clusterSizes: { min: sizes[0]!, median: sizes[Math.floor(sizes.length / 2)]!, max: sizes[sizes.length - 1]! },
      hnswUsesIndex: hnswPlan.includes('chunks_embedding_hnsw_idx'),
      exactIsSeqScan: !exactPlan.includes('chunks_embedding_hnsw_idx') && exactPlan.includes('Seq Scan'),
    };
  } finally {
    await store.close();
    if (!args['data-dir']) rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const n of sizes) results.push(await runSize(n));

console.log(`\nNeonHub memory benchmark: PGlite ${'0.5.14'} + pgvector, ${dims}-d unit vectors in ${clusters} Gaussian clusters, k = ${K}`);
console.log(
  `node ${process.version}, ${(await import('node:os')).cpus().length} CPUs; recall@${K} against brute force in JS over the same float32 vectors\n`,
);
for (const r of results) {
  console.log(
    `### n = ${r.n.toLocaleString('en-US')}  (cluster sizes min/median/max ${r.clusterSizes.min}/${r.clusterSizes.median}/${r.clusterSizes.max})`,
  );
  console.log('| step | time |');
  console.log('|---|---|');
  console.log(`| generate vectors + ${nQueries} queries (JS) | ${secs(r.genMs)} |`);
  console.log(`| open store (PGlite, schema) | ${secs(r.openMs)} |`);
  if (r.reused) {
    console.log(`| load ${r.n} rows, build HNSW (${buildLabel}), ANALYZE | reused from an earlier run (--reuse) |`);
  } else {
    console.log(
      `| load ${r.n} rows (multi-row INSERT of ${batchRows}, ${batchRows * 20} rows per transaction, no vector index) | ${secs(r.loadMs)} (${Math.round(r.n / (r.loadMs / 1000))} rows/s) |`,
    );
    console.log(
      `| build HNSW index once, after the load (${buildLabel}) | ${secs(r.indexMs)} (${Math.round(r.n / (r.indexMs / 1000))} rows/s) |`,
    );
    console.log(`| ANALYZE (planner statistics) | ${secs(r.analyzeMs)} |`);
  }
  console.log(`| ground truth, brute force in JS (${nQueries} queries) | ${secs(r.truthMs)} |`);
  console.log('');
  console.log(`| search | recall@${K} | queries | p50 ms | p95 ms | mean ms |`);
  console.log('|---|---|---|---|---|---|');
  for (const row of r.rows) {
    console.log(
      `| ${row.method} | ${row.recall.toFixed(3)} | ${row.queries} | ${row.p50.toFixed(1)} | ${row.p95.toFixed(1)} | ${row.mean.toFixed(1)} |`,
    );
  }
  console.log(
    `\nplans: HNSW query uses chunks_embedding_hnsw_idx: ${r.hnswUsesIndex ? 'yes' : 'NO'}; exact query is a sequential scan: ${r.exactIsSeqScan ? 'yes' : 'NO'}\n`,
  );
}
