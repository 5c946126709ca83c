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
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { PluginManifestSchema } from '@neonhub/schemas';
import pino from 'pino';
import { createDatabase, sql } from '../../core/db/src/index.js';
import { loadConfig } from '../../host/src/config.js';
import { createHost } from '../../host/src/host.js';
import { fetchWithOwnSignal } from '../../host/src/mcp/request-signal.js';
import { pluginRoots } from '../../host/src/plugin-loading.js';
import { discoverPlugins, lockPlugins } from '../../host/src/plugins/index.js';
import { createRuntime } from '../../host/src/runtimes/index.js';
import { buildApp } from '../../host/src/server/app.js';
import { percentile, printTable, summarize, timeEach } from '../stats.js';
import { pglitePrototype } from './pglite-prototype.js';
import { sqlMicro } from './sql-micro.js';
import { createAuditTrace } from './trace-audit.js';
import { createMcpTrace } from './trace-mcp.js';

// --trace-audit: where the audit group write of a sequential trusted call waits (PGlite only: trace-audit.ts)
const auditTrace = process.argv.includes('--trace-audit') ? createAuditTrace() : undefined;
await auditTrace?.install();
const mcpTrace = process.argv.includes('--trace-mcp') ? createMcpTrace() : undefined;
await mcpTrace?.install();

// --trace-sql: time every PGlite query (its work runs on this thread) by the statement's first words
const sqlTrace = new Map<string, { n: number; ms: number }>();
if (process.argv.includes('--trace-sql')) {
  const proto = await pglitePrototype();
  const query = proto.query!;
  proto.query = async function (this: unknown, ...args: unknown[]) {
    const t0 = performance.now();
    try {
      return await query.apply(this, args);
    } finally {
      const params = Array.isArray(args[1]) ? args[1].length : 0;
      const key = `${String(args[0]).replace(/\s+/g, ' ').slice(0, 60)} [${params < 10 ? params : `${10 * Math.floor(params / 10)}+`} params]`;
      const e = sqlTrace.get(key) ?? { n: 0, ms: 0 };
      e.n++;
      e.ms += performance.now() - t0;
      sqlTrace.set(key, e);
    }
  };
}
const printSql = (label: string, calls: number) => {
  if (!sqlTrace.size) return;
  console.log(`PGlite statements per call, ${label} (count, µs of thread per call):`);
  for (const [k, v] of [...sqlTrace].sort((x, y) => y[1].ms - x[1].ms).slice(0, 12))
    console.log(`  ${(v.n / calls).toFixed(3).padStart(7)} ${((v.ms * 1000) / calls).toFixed(1).padStart(8)} µs  ${k}`);
  sqlTrace.clear();
};

// --cpu-prof DIR: profile one trusted round at 16 in flight (the phase whose cost the goal is about)
const profDir = process.argv.includes('--cpu-prof') ? process.argv[process.argv.indexOf('--cpu-prof') + 1] : undefined;
async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (!profDir) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(profDir, { recursive: true });
    writeFileSync(join(profDir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

const N = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 2000);
const INFLIGHT = 16;
const repo = resolve(import.meta.dirname, '../..');
const CAPABILITIES = ['governance', 'data-trust', 'eco'];

const scratchName = `neonhub_bench_trust_${process.pid}`;
async function onAdmin(base: string, statement: string): Promise<void> {
  const admin = await createDatabase({ databaseUrl: base, maxConnections: 1 });
  try {
    await sql.raw(statement).execute(admin.db);
  } finally {
    await admin.close();
  }
}
/** A scratch database for one PostgreSQL measurement; dropped again by `dropDatabase` after it. */
async function freshDatabase(base: string): Promise<string> {
  await onAdmin(base, `drop database if exists ${scratchName} with (force)`);
  await onAdmin(base, `create database ${scratchName}`);
  const url = new URL(base);
  url.pathname = `/${scratchName}`;
  return url.toString();
}
const dropDatabase = (base: string) => onAdmin(base, `drop database if exists ${scratchName} with (force)`);

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

type Db = 'PGlite' | 'PGlite thread' | 'PostgreSQL';
async function measure(dialect: Db, databaseUrl?: string) {
  const loadBefore = load();
  // Inside the repo so plugins resolve their dependencies; the real capability plugins are linked, not copied.
  const root = join(repo, 'host/test/.tmp', `bench-trust-${process.pid}-${dialect.replace(' ', '-')}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'plugins'), { recursive: true });
  cpSync(join(repo, 'host/test/fixtures/runtime-plugins/rt-basic'), join(root, 'plugins/rt-basic'), { recursive: true });
  for (const id of CAPABILITIES) symlinkSync(join(repo, 'plugins', id), join(root, 'plugins', id), 'dir');
  const config = loadConfig(
    {
      NEONHUB_DATA_DIR: '.neonhub',
      LOG_LEVEL: 'warn',
      NEONHUB_PGLITE_THREAD: dialect === 'PGlite thread' ? 'on' : 'off',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl, NEONHUB_SECRET_KEY: randomBytes(32).toString('base64') } : {}),
    },
    root,
  );
  // the echo tool of the issue's table: a third-party MCP server over stdio (official SDK), pinned as it lists its tools
  const echoDir = join(root, 'plugins/ws-echo');
  cpSync(join(repo, 'host/test/fixtures/mcp-workspace-echo'), echoDir, { recursive: true });
  const echoRuntime = createRuntime({
    manifest: PluginManifestSchema.parse(JSON.parse(readFileSync(join(echoDir, 'plugin.json'), 'utf8'))),
    dir: echoDir,
    cacheDir: join(root, '.cache'),
    logger: pino({ level: 'warn' }),
    isolation: 'isolated',
  });
  await echoRuntime.start();
  const echoTools = await echoRuntime.listTools();
  await echoRuntime.stop();
  const found = await discoverPlugins(pluginRoots(config), { repoRoot: root });
  await lockPlugins({ lockPath: join(root, 'plugins.lock.json'), plugins: found.plugins, extraTools: { 'ws-echo': echoTools } });
  const host = await createHost({ config, logger: pino({ level: 'warn' }), seed: false });
  await host.plugins.firstPass;
  const svc = host.storage.service;
  await svc.createWorkspace({ slug: 'echo-only' });
  await svc.enablePlugin('echo-only', 'rt-basic');
  await svc.enablePlugin('echo-only', 'ws-echo');
  await svc.createWorkspace({ slug: 'trusted' });
  await svc.enablePlugin('trusted', 'rt-basic');
  await svc.enablePlugin('trusted', 'ws-echo');
  for (const id of CAPABILITIES) await svc.enablePlugin('trusted', id);

  // --trace-store: count each plugin's store operations (by method) per call in the trusted workspace
  const ops = new Map<string, number>();
  if (process.argv.includes('--trace-store')) {
    const access = host.storage.workspaces;
    const original = access.store.bind(access);
    access.store = (workspaceId, pluginId) => {
      const store = original(workspaceId, pluginId);
      return new Proxy(store, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            const key = `${pluginId}.${String(prop)}(${String(args[0])})`;
            ops.set(key, (ops.get(key) ?? 0) + 1);
            return value.apply(target, args);
          };
        },
      });
    };
  }
  if (auditTrace || mcpTrace) {
    const access = host.storage.workspaces;
    const original = access.store.bind(access);
    access.store = (workspaceId, pluginId) => {
      const store = original(workspaceId, pluginId);
      if (pluginId !== 'data-trust') return store;
      let insertAll = store.insertAll.bind(store);
      if (auditTrace) insertAll = auditTrace.wrap(insertAll);
      if (mcpTrace) insertAll = mcpTrace.wrapWrite(insertAll);
      return { ...store, insertAll };
    };
  }
  const actor = { type: 'user' as const, id: 'bench', role: 'owner' as const };
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
  if (mcpTrace) {
    // the same steps through host.callTool: the in-process no-op, then the stdio echo (no HTTP, no MCP server)
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
    if (process.argv.includes('--trace-mcp-burn')) {
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
    if (round === 0) printSql(`${dialect}, tool alone, ${INFLIGHT} in flight`, N);
    tputs.trusted.push(
      await (round === 0
        ? profiled(`trust-${dialect.replace(' ', '-')}`, () => throughput(trusted, cpu.trusted))
        : throughput(trusted, cpu.trusted)),
    );
    if (round === 0) printSql(`${dialect}, + governance, data-trust, eco, ${INFLIGHT} in flight`, N);
  }
  const med = (xs: number[]) =>
    percentile(
      [...xs].sort((x, y) => x - y),
      50,
    );
  const sa = summarize('', a);
  const sb = summarize('', b);
  const mcp = process.argv.includes('--no-mcp') ? undefined : await overMcp(host, dialect);
  await host.close();
  rmSync(root, { recursive: true, force: true });
  return {
    dialect,
    addedP50: sb.p50 - sa.p50,
    addedP99: sb.p99 - sa.p99,
    aloneP99: sa.p99,
    ratioP50: sb.p50 / sa.p50,
    bareTput: med(tputs.bare),
    trustedTput: med(tputs.trusted),
    bareCpu: med(cpu.bare),
    trustedCpu: med(cpu.trusted),
    load: `${loadBefore} -> ${load()}`,
    mcp,
  };
}

/**
 * The issue's own table: an MCP client over Streamable HTTP calls `ws-echo__whoami` (an echo server mounted over
 * stdio) through the host's /mcp, in the echo-only workspace and in the trusted one, side by side: sequential p50
 * (blocks of 10 alternating) and calls per second with INFLIGHT requests in flight on one session.
 */
async function overMcp(host: Awaited<ReturnType<typeof createHost>>, dialect: Db) {
  const app = await buildApp(host);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = new URL(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/mcp`);
  mcpTrace?.attach(app.server);
  const session = async (slug: string) => {
    const ws = await host.storage.workspaces.resolve(slug);
    const { token } = await host.storage.tokens.create({ workspaceId: ws.id, role: 'member', name: `bench ${slug}` });
    const client = new Client({ name: 'bench-trust', version: '1.0.0' });
    // each request with a signal of its own (the host's own clients do the same: host/src/mcp/request-signal.ts)
    const transport = new StreamableHTTPClientTransport(url, {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
      fetch: fetchWithOwnSignal(),
    });
    await client.connect(transport);
    const call = async () => {
      const r = await client.callTool({ name: 'ws-echo__whoami', arguments: {} });
      if (r.isError) throw new Error(`bench call failed: ${JSON.stringify(r.content)}`);
    };
    if (mcpTrace) return { client, call: mcpTrace.wrap(slug, call), plain: call };
    return { client, call, plain: call };
  };
  const bare = await session('echo-only');
  const trusted = await session('trusted');
  try {
    for (let i = 0; i < 100; i++) {
      await bare.call();
      await trusted.call();
    }
    const a: number[] = [];
    const b: number[] = [];
    auditTrace?.start();
    mcpTrace?.start();
    for (let done = 0; done < N / 2; done += 10) {
      a.push(...(await timeEach(10, bare.call)));
      b.push(...(await timeEach(10, trusted.call)));
    }
    auditTrace?.print(`${dialect}, sequential over MCP (echo over stdio)`);
    mcpTrace?.print(`${dialect}, sequential over MCP (echo over stdio)`);
    const rows = [summarize(`${dialect} over MCP: echo only`, a), summarize(`${dialect} over MCP: + governance, data-trust, eco`, b)];
    printTable(`${dialect}: echo over stdio, called over MCP Streamable HTTP, ${N / 2} sequential calls each`, rows);
    // calls per second, and the process's CPU per call (host, client and PGlite; not the echo server's process)
    const tput = async (fn: () => Promise<void>, cpu: number[]) => {
      let next = 0;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await Promise.all(
        Array.from({ length: INFLIGHT }, async () => {
          while (next++ < N / 2) await fn();
        }),
      );
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / (N / 2));
      return N / 2 / ((performance.now() - t0) / 1000);
    };
    const ta: number[] = [];
    const tb: number[] = [];
    const ca: number[] = [];
    const cb: number[] = [];
    for (let round = 0; round < 3; round++) {
      ta.push(await tput(bare.plain, ca));
      tb.push(
        await (round === 0 ? profiled(`trust-mcp-${dialect.replace(' ', '-')}`, () => tput(trusted.plain, cb)) : tput(trusted.plain, cb)),
      );
    }
    const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[1]!;
    return {
      addedP50: rows[1]!.p50 - rows[0]!.p50,
      p50: rows[0]!.p50,
      bareTput: med(ta),
      trustedTput: med(tb),
      bareCpu: med(ca),
      trustedCpu: med(cb),
    };
  } finally {
    await bare.client.close();
    await trusted.client.close();
    await app.close();
  }
}

const flag = process.argv.indexOf('--postgres');
const pgBase = flag > 0 ? process.argv[flag + 1] : process.env.NEONHUB_TEST_POSTGRES_URL;
const dbFlag = process.argv.indexOf('--db');
const wanted = new Set(dbFlag > 0 ? process.argv[dbFlag + 1]!.split(',') : ['pglite', 'pglite-thread', 'postgres']);
if (process.argv.includes('--sql-micro')) {
  const scratch = pgBase && wanted.has('postgres') ? await freshDatabase(pgBase) : undefined;
  try {
    await sqlMicro(N, wanted, scratch);
  } finally {
    if (pgBase && scratch) await dropDatabase(pgBase);
  }
  process.exit(0);
}
const results = [];
if (wanted.has('pglite')) results.push(await measure('PGlite'));
if (wanted.has('pglite-thread')) results.push(await measure('PGlite thread'));
if (pgBase && wanted.has('postgres')) {
  try {
    results.push(await measure('PostgreSQL', await freshDatabase(pgBase)));
  } finally {
    await dropDatabase(pgBase);
  }
}

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
process.exit(0);
