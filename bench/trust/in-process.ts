import { sql } from '../../core/db/src/index.js';
import { percentile, printTable, summarize, timeEach } from '../stats.js';
import type { BenchHost } from './bench-host.js';
import type { BenchContext, Db } from './context.js';

const actor = { type: 'user' as const, id: 'bench', role: 'owner' as const };

/**
 * The no-op tool through `host.callTool`, echo-only workspace vs trusted, side by side: sequential latency (4 rounds
 * alternating), the --trace-mcp steps, then calls per second with `inflight` in flight and the process's CPU time per
 * call (every thread's, PGlite's too), the median of 3 rounds.
 */
export async function measureCallTool(ctx: BenchContext, host: BenchHost, ops: Map<string, number>, dialect: Db) {
  const { n: N, inflight: INFLIGHT } = ctx.opts;
  const { auditTrace, mcpTrace, sqlTrace } = ctx;
  const call = (workspace: string) => async () => {
    const r = await host.callTool({ workspace, tool: 'rt-basic:noop', input: {}, actor });
    if (r.status !== 'ok') throw new Error(`bench call ended ${r.status}`);
  };
  const bare = call('echo-only');
  const trusted = call('trusted');
  await timeEach(300, bare);
  await timeEach(300, trusted);
  const a: number[] = [];
  const b: number[] = [];
  auditTrace?.start();
  for (let round = 0; round < 4; round++) {
    a.push(...(await timeEach(N / 4, bare)));
    b.push(...(await timeEach(N / 4, trusted)));
  }
  auditTrace?.print(`${dialect}, sequential host.callTool (no-op, in-process)`);
  if (mcpTrace) await traceMcpSteps(ctx, host, dialect);
  const rows = [summarize(`${dialect}: only the tool's plugin`, a), summarize(`${dialect}: + governance, data-trust, eco`, b)];
  printTable(`${dialect}: no-op tool, ${N} sequential calls through host.callTool`, rows);
  if (ops.size) {
    const calls = N + 300;
    console.log(`store operations per trusted call (${dialect}):`);
    for (const [k, v] of [...ops].sort((x, y) => y[1] - x[1])) console.log(`  ${(v / calls).toFixed(2).padStart(6)}  ${k}`);
    ops.clear();
  }

  // calls per second with INFLIGHT in flight; the process's CPU time per call (every thread's, PGlite's too) beside it
  const cpu = { bare: [] as number[], trusted: [] as number[] };
  const throughput = async (fn: () => Promise<void>, into: number[]) => {
    const total = N;
    let next = 0;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await Promise.all(
      Array.from({ length: INFLIGHT }, async () => {
        while (next++ < total) await fn();
      }),
    );
    const c = process.cpuUsage(c0);
    into.push((c.user + c.system) / total);
    return total / ((performance.now() - t0) / 1000);
  };
  const tputs = { bare: [] as number[], trusted: [] as number[] };
  for (let round = 0; round < 3; round++) {
    sqlTrace.clear();
    tputs.bare.push(await throughput(bare, cpu.bare));
    if (round === 0) sqlTrace.print(`${dialect}, tool alone, ${INFLIGHT} in flight`, N);
    tputs.trusted.push(
      await (round === 0
        ? ctx.profiled(`trust-${dialect.replace(' ', '-')}`, () => throughput(trusted, cpu.trusted))
        : throughput(trusted, cpu.trusted)),
    );
    if (round === 0) sqlTrace.print(`${dialect}, + governance, data-trust, eco, ${INFLIGHT} in flight`, N);
  }
  const med = (xs: number[]) =>
    percentile(
      [...xs].sort((x, y) => x - y),
      50,
    );
  const sa = summarize('', a);
  const sb = summarize('', b);
  return {
    addedP50: sb.p50 - sa.p50,
    addedP99: sb.p99 - sa.p99,
    aloneP99: sa.p99,
    ratioP50: sb.p50 / sa.p50,
    bareTput: med(tputs.bare),
    trustedTput: med(tputs.trusted),
    bareCpu: med(cpu.bare),
    trustedCpu: med(cpu.trusted),
  };
}

/** --trace-mcp: the same steps through host.callTool: the in-process no-op, then the stdio echo (no HTTP, no MCP server). */
async function traceMcpSteps(ctx: BenchContext, host: BenchHost, dialect: Db) {
  const mcpTrace = ctx.mcpTrace!;
  const N = ctx.opts.n;
  const traced = (label: string, workspace: string, tool: string) =>
    mcpTrace.wrap(label, async () => {
      const r = await host.callTool({ workspace, tool, input: {}, actor });
      if (r.status !== 'ok') throw new Error(`bench call ended ${r.status}`);
    });
  for (const [what, tool] of [
    ['no-op in-process', 'rt-basic:noop'],
    ['echo over stdio', 'ws-echo:whoami'],
  ] as const) {
    const x = traced('echo-only', 'echo-only', tool);
    const y = traced('trusted', 'trusted', tool);
    mcpTrace.start();
    for (let done = 0; done < N / 2; done += 10) {
      await timeEach(10, x);
      await timeEach(10, y);
    }
    mcpTrace.print(`${dialect}, sequential host.callTool, ${what}`);
  }
  if (ctx.opts.traceMcpBurn) {
    // the echo-only call after a database statement of about an audit write's cost that is not on the call's path:
    // does the statement itself (not the trust hooks) make the next stdio round trip slower?
    const burn = () => sql`select sum(i) from generate_series(1, 20000) i`.execute(host.storage.db);
    const x = traced('echo-only', 'echo-only', 'ws-echo:whoami');
    const y = traced('after a statement', 'echo-only', 'ws-echo:whoami');
    mcpTrace.start();
    for (let done = 0; done < N / 2; done += 10) {
      for (let i = 0; i < 10; i++) await x();
      for (let i = 0; i < 10; i++) {
        await burn();
        await y();
      }
    }
    mcpTrace.print(
      `${dialect}, sequential host.callTool, echo over stdio, echo-only workspace with and without a statement before each call`,
    );
  }
}
