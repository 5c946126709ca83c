import { loadavg } from 'node:os';
import type { TrustBenchOptions } from './options.js';
import type { Profiled } from './profile.js';
import type { createAuditTrace } from './trace-audit.js';
import type { createMcpTrace } from './trace-mcp.js';
import type { SqlTrace } from './trace-sql.js';

/** What every phase of the trust bench reads: the options and the tracers that are on. */
export interface BenchContext {
  opts: TrustBenchOptions;
  auditTrace: ReturnType<typeof createAuditTrace> | undefined;
  mcpTrace: ReturnType<typeof createMcpTrace> | undefined;
  sqlTrace: SqlTrace;
  profiled: Profiled;
}

export type Db = 'PGlite' | 'PGlite thread' | 'PostgreSQL';

/** The load average (1 5 15 min), printed beside each database's figures. */
export const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
