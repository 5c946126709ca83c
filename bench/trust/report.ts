import type { Db } from './context.js';
import type { measureCallTool } from './in-process.js';
import type { overMcp } from './over-mcp.js';

/** One database's figures: through host.callTool, and over MCP unless --no-mcp. */
export type TrustResult = Awaited<ReturnType<typeof measureCallTool>> & {
  dialect: Db;
  load: string;
  mcp: Awaited<ReturnType<typeof overMcp>> | undefined;
};

/** The two summary tables: through host.callTool per database, and over MCP (the table) where it ran. */
export function printSummary(results: TrustResult[], INFLIGHT: number) {
  console.log('\nthe trust layer (governance + data-trust + eco) per call, side by side with the tool alone');
  console.log(
    [
      'database'.padEnd(14),
      'p50 added'.padStart(11),
      'p50 ratio'.padStart(10),
      'p99 alone'.padStart(10),
      'p99 added'.padStart(11),
      `calls/s @${INFLIGHT} tool alone`.padStart(24),
      'with trust'.padStart(11),
      'ratio'.padStart(7),
      'CPU µs/call alone'.padStart(18),
      'with trust'.padStart(11),
      'goal: +0.5 ms, >= 0.8x'.padStart(24),
      '  load average (1 5 15 min) before -> after',
    ].join(' '),
  );
  for (const r of results)
    console.log(
      [
        r.dialect.padEnd(14),
        `+${r.addedP50.toFixed(3)} ms`.padStart(11),
        `${r.ratioP50.toFixed(2)}x`.padStart(10),
        `${r.aloneP99.toFixed(3)} ms`.padStart(10),
        `+${r.addedP99.toFixed(3)} ms`.padStart(11),
        r.bareTput.toFixed(0).padStart(24),
        r.trustedTput.toFixed(0).padStart(11),
        `${(r.trustedTput / r.bareTput).toFixed(2)}x`.padStart(7),
        r.bareCpu.toFixed(0).padStart(18),
        r.trustedCpu.toFixed(0).padStart(11),
        (r.addedP50 <= 0.5 && r.trustedTput / r.bareTput >= 0.8 ? 'met' : 'not met').padStart(24),
        `  ${r.load}`,
      ].join(' '),
    );
  const overMcpRows = results.filter((r) => r.mcp);
  if (overMcpRows.length) {
    console.log("\nover MCP (the issue's table): echo server over stdio, MCP client over Streamable HTTP, echo-only workspace vs trusted");
    console.log(
      [
        'database'.padEnd(14),
        'echo-only p50'.padStart(14),
        'p50 added'.padStart(11),
        `calls/s @${INFLIGHT} echo-only`.padStart(22),
        'with trust'.padStart(11),
        'ratio'.padStart(7),
        'CPU µs/call echo-only'.padStart(22),
        'with trust'.padStart(11),
        'goal: +0.5 ms, >= 0.8x'.padStart(24),
      ].join(' '),
    );
    for (const r of overMcpRows) {
      const m = r.mcp!;
      console.log(
        [
          r.dialect.padEnd(14),
          `${m.p50.toFixed(3)} ms`.padStart(14),
          `+${m.addedP50.toFixed(3)} ms`.padStart(11),
          m.bareTput.toFixed(0).padStart(22),
          m.trustedTput.toFixed(0).padStart(11),
          `${(m.trustedTput / m.bareTput).toFixed(2)}x`.padStart(7),
          m.bareCpu.toFixed(0).padStart(22),
          m.trustedCpu.toFixed(0).padStart(11),
          (m.addedP50 <= 0.5 && m.trustedTput / m.bareTput >= 0.8 ? 'met' : 'not met').padStart(24),
        ].join(' '),
      );
    }
  }
}
