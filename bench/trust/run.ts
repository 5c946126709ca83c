/**
 * The trust layer's cost per call: the same no-op tool through `host.callTool` in a workspace where only its
 * plugin is enabled, and in one where governance + data-trust + eco are enabled too (the `demo` shape), side by
 * side in one run, on PGlite and (when NEONHUB_TEST_POSTGRES_URL or --postgres <url> is given) on PostgreSQL.
 * Sequential latency (p50/p99 added) and throughput with 16 calls in flight.
 *
 *   npx tsx bench/trust/run.ts [N]                 # PGlite (on this thread and on its own), and PostgreSQL when NEONHUB_TEST_POSTGRES_URL is set
 *   --db pglite,pglite-thread,postgres   which databases (default: all there are)
 *   --trace-store   each plugin's store operations per trusted call
 *   --trace-sql     PGlite statements (count and time on the thread) per call, tool alone vs trusted, at 16 in flight
 *   --no-mcp        skip the MCP layer: an MCP client over Streamable HTTP calling an echo server mounted over stdio
 *                   (the issue's own table), echo-only workspace vs the trusted one, after the host.callTool rows
 *   --cpu-prof DIR  a V8 CPU profile of the first trusted 16-in-flight round per database (DIR/trust-<db>.cpuprofile),
 *                   and of the first over MCP (DIR/trust-mcp-<db>.cpuprofile)
 *   --trace-audit   PGlite: per audit group write of the sequential phases, how long it queued behind other
 *                   statements (and which), ran, and took to come back (trace-audit.ts)
 *   --trace-mcp     over MCP, sequential: per call, the time from the client's call to each step of the path (HTTP request
 *                   in, MCP dispatch, hooks, stdio request written / answer read, audit append -> durable, response
 *                   written), echo-only vs trusted side by side, and the same through host.callTool (trace-mcp.ts)
 *                   --trace-mcp-stacks: callbacks inside the stdio round trip by where they were scheduled;
 *                   --trace-mcp-burn: also the echo-only call with and without an unrelated statement before it
 *   --sql-micro     instead of the above: the audit group commit's statement shapes side by side (sql-micro.ts)
 */

import { startBenchHost } from './bench-host.js';
import { type BenchContext, type Db, load } from './context.js';
import { measureCallTool } from './in-process.js';
import { parseOptions } from './options.js';
import { overMcp } from './over-mcp.js';
import { createProfiler } from './profile.js';
import { printSummary, type TrustResult } from './report.js';
import { dropDatabase, freshDatabase } from './scratch-db.js';
import { sqlMicro } from './sql-micro.js';
import { createAuditTrace } from './trace-audit.js';
import { createMcpTrace } from './trace-mcp.js';
import { createSqlTrace } from './trace-sql.js';

const opts = parseOptions();
const ctx: BenchContext = {
  opts,
  // --trace-audit: where the audit group write of a sequential trusted call waits (PGlite only: trace-audit.ts)
  auditTrace: opts.traceAudit ? createAuditTrace() : undefined,
  mcpTrace: opts.traceMcp ? createMcpTrace() : undefined,
  sqlTrace: createSqlTrace(),
  profiled: createProfiler(opts.profDir),
};
await ctx.auditTrace?.install();
await ctx.mcpTrace?.install();
if (opts.traceSql) await ctx.sqlTrace.install();

/** One database: a bench host, the host.callTool phases, the MCP phases, then the host is closed and removed. */
async function measure(dialect: Db, databaseUrl?: string): Promise<TrustResult> {
  const loadBefore = load();
  const bench = await startBenchHost(ctx, dialect, databaseUrl);
  try {
    const inProcess = await measureCallTool(ctx, bench.host, bench.ops, dialect);
    const mcp = opts.noMcp ? undefined : await overMcp(ctx, bench.host, dialect);
    return { dialect, ...inProcess, load: `${loadBefore} -> ${load()}`, mcp };
  } finally {
    await bench.dispose();
  }
}

const { pgBase, wanted } = opts;
if (opts.sqlMicro) {
  const scratch = pgBase && wanted.has('postgres') ? await freshDatabase(pgBase) : undefined;
  try {
    await sqlMicro(opts.n, wanted, scratch);
  } finally {
    if (pgBase && scratch) await dropDatabase(pgBase);
  }
  process.exit(0);
}
const results: TrustResult[] = [];
if (wanted.has('pglite')) results.push(await measure('PGlite'));
if (wanted.has('pglite-thread')) results.push(await measure('PGlite thread'));
if (pgBase && wanted.has('postgres')) {
  try {
    results.push(await measure('PostgreSQL', await freshDatabase(pgBase)));
  } finally {
    await dropDatabase(pgBase);
  }
}
printSummary(results, opts.inflight);
process.exit(0);
