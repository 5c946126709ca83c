/** The command line of bench/trust/run.ts (its header lists the flags). */
export interface TrustBenchOptions {
  /** Calls per measured phase. */
  n: number;
  /** Calls in flight in the throughput phases. */
  inflight: number;
  /** Which databases: pglite, pglite-thread, postgres. */
  wanted: Set<string>;
  /** The PostgreSQL server to make a scratch database on (--postgres <url>, else NEONHUB_TEST_POSTGRES_URL). */
  pgBase: string | undefined;
  traceStore: boolean;
  traceSql: boolean;
  traceAudit: boolean;
  traceMcp: boolean;
  traceMcpBurn: boolean;
  noMcp: boolean;
  sqlMicro: boolean;
  /** --cpu-prof DIR */
  profDir: string | undefined;
}

export function parseOptions(argv: string[] = process.argv, env: NodeJS.ProcessEnv = process.env): TrustBenchOptions {
  const argAfter = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const db = argAfter('--db');
  return {
    n: Number(argv.find((a) => /^\d+$/.test(a)) ?? 2000),
    inflight: 16,
    wanted: new Set(db ? db.split(',') : ['pglite', 'pglite-thread', 'postgres']),
    pgBase: argAfter('--postgres') ?? env.NEONHUB_TEST_POSTGRES_URL,
    traceStore: argv.includes('--trace-store'),
    traceSql: argv.includes('--trace-sql'),
    traceAudit: argv.includes('--trace-audit'),
    traceMcp: argv.includes('--trace-mcp'),
    traceMcpBurn: argv.includes('--trace-mcp-burn'),
    noMcp: argv.includes('--no-mcp'),
    sqlMicro: argv.includes('--sql-micro'),
    profDir: argAfter('--cpu-prof'),
  };
}
