/**
 * Runs the benchmarks one after another, each printing its own side-by-side table.
 *
 *   pnpm bench                 # the quick ones: pipeline, isolated, mcp, audit, runs
 *   pnpm bench memory          # by name (memory builds 100k vectors: tens of minutes)
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const benches: Record<string, { file: string; args?: string[]; slow?: boolean }> = {
  pipeline: { file: 'pipeline/run.ts' },
  isolated: { file: 'isolated.ts' },
  mcp: { file: 'mcp/run.ts' },
  audit: { file: 'audit/run.ts' },
  runs: { file: 'runs/run.ts' },
  // governance + data-trust + eco per call, PGlite and (with NEONHUB_TEST_POSTGRES_URL) PostgreSQL
  trust: { file: 'trust/run.ts' },
  // dispatcher throughput vs the connector's client called directly (PGlite in process; DATABASE_URL/REDIS_URL for PostgreSQL/BullMQ)
  outbox: { file: 'outbox/run.ts' },
  // real processes (host, CLI, `neonhub mcp`); side by side with an earlier checkout: npx tsx bench/startup/run.ts --base <dir>
  startup: { file: 'startup/run.ts', slow: true },
  memory: { file: 'memory/run.ts', slow: true },
  // 1M events on PostgreSQL, 200k on PGlite: several minutes
  analytics: { file: 'analytics/run.ts', slow: true },
  // Chromium against the built console (pnpm --filter @neonhub/ui build): LCP with 1,000 runs and 10,000 drafts
  console: { file: 'console/run.ts', slow: true },
};

const asked = process.argv.slice(2);
const names = asked.length ? asked : Object.keys(benches).filter((n) => !benches[n]!.slow);
let failed = 0;
for (const name of names) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark ${name}; one of: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  const file = resolve(import.meta.dirname, bench.file);
  if (!existsSync(file)) {
    console.log(`\n=== ${name}: not present (${bench.file})`);
    continue;
  }
  console.log(`\n=== ${name} (${bench.file})`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...(bench.args ?? [])], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
