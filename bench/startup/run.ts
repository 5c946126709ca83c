/**
 * Startup benchmark: how long a person waits, measured as wall time of real processes (`node host/bin/neonhub.js ...`),
 * for this checkout and, side by side, for another checkout (a git worktree of an earlier commit):
 *   - `neonhub start` until `/health` answers, and until every plugin has started (/health lists none as starting):
 *     the first start on a new data directory (excluding the console build, which neither side does here) and a
 *     second start on the same directory; CLI commands run once every plugin has started;
 *   - CLI commands that go through the running host: `call`, `token create`, `run` (until it waits for approval),
 *     `approve` of an unknown run (a coded error, still one round trip), `plugin enable`: wall time and, with GNU
 *     time, CPU time (user + system: what the command costs, which a loaded machine does not inflate);
 *   - `neonhub mcp -w demo` with the official SDK client (StdioClientTransport): time to the `initialize` answer and
 *     to the `tools/list` answer, while the host runs and with no host running.
 * Each figure is the median of `rounds` tries, the two checkouts interleaved so that load on the machine falls on both.
 *
 * Usage: tsx bench/startup/run.ts [--base <dir of the earlier checkout>] [--rounds 3]
 *   The earlier checkout needs node_modules: `git worktree add --detach /tmp/base <commit>`, then symlink the root
 *   node_modules and copy each package's node_modules (symlinks only) from this checkout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const ROUNDS = Number(arg('--rounds') ?? 3);
const here = resolve(import.meta.dirname, '../..');
const base = arg('--base');
const only = arg('--only'); // `previous` or `this`: measure one side alone
const checkouts = [...(base ? [{ name: 'previous', root: resolve(base) }] : []), { name: 'this', root: here }].filter(
  (c) => !only || c.name === only,
);

/** The median; NaN (a try that failed) when any try failed. */
const median = (xs: number[]) => (xs.some(Number.isNaN) ? Number.NaN : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

const envFor = (dataDir: string) => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('NEONHUB_')) env[k] = v;
  return { ...env, NEONHUB_DATA_DIR: dataDir, LOG_LEVEL: 'warn', NO_COLOR: '1' };
};

/** GNU time, when the machine has it: the CPU a command used (user + system), which a loaded machine does not inflate as it does wall time. */
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function cli(root: string, dataDir: string, argv: string[]): Promise<{ ms: number; cpuMs: number; code: number | null; out: string }> {
  const t0 = performance.now();
  const command = [process.execPath, join(root, 'host/bin/neonhub.js'), ...argv];
  const [file, ...args] = gnuTime ? [gnuTime, '-f', 'NHCPU %U %S', ...command] : command;
  return new Promise((res) => {
    const child = spawn(file!, args, { cwd: root, env: envFor(dataDir) });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      const m = /NHCPU ([\d.]+) ([\d.]+)/.exec(out);
      res({ ms: performance.now() - t0, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : Number.NaN, code, out });
    });
  });
}

async function startHost(root: string, dataDir: string): Promise<{ ms: number; readyMs: number; child: ChildProcess; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(root, 'host/bin/neonhub.js'), 'start', '--port', String(port)], {
    cwd: root,
    env: envFor(dataDir),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`neonhub start exited ${child.exitCode}: ${err}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      const ms = performance.now() - t0;
      return { ms, readyMs: await pluginsReady(url, t0), child, url };
    }
    if (performance.now() - t0 > 180_000) throw new Error(`no /health after 180 s: ${err}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Until /health lists no plugin as still starting (the previous host answered only once all had started). */
async function pluginsReady(url: string, t0: number): Promise<number> {
  for (;;) {
    const health = (await (await fetch(`${url}/health`)).json()) as { starting?: string[]; plugins?: { id: string }[] };
    if (!health.starting?.length && health.plugins?.some((p) => p.id === 'agent-seo')) return performance.now() - t0;
    if (performance.now() - t0 > 240_000) throw new Error('plugins still starting after 240 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopHost(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** A side that cannot do it (the previous `neonhub mcp` refuses while a host holds the data directory) records NaN: `fails`. */
async function mcpTimes(root: string, dataDir: string): Promise<{ initialize: number; list: number; tools: number }> {
  try {
    return await mcpTimesOnce(root, dataDir);
  } catch (err) {
    console.error(`mcp in ${root}: ${(err as Error).message}`);
    return { initialize: Number.NaN, list: Number.NaN, tools: Number.NaN };
  }
}

async function mcpTimesOnce(root: string, dataDir: string): Promise<{ initialize: number; list: number; tools: number }> {
  const t0 = performance.now();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(root, 'host/bin/neonhub.js'), 'mcp', '--workspace', 'demo'],
    cwd: root,
    env: envFor(dataDir),
    stderr: 'ignore',
  });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  try {
    await client.connect(transport, { timeout: 180_000 });
    const initialize = performance.now() - t0;
    let list = Number.NaN;
    // plugins may join after the first answer: until the demo workspace's SEO tool is listed
    for (;;) {
      const { tools } = await client.listTools(undefined, { timeout: 180_000 });
      if (Number.isNaN(list)) list = performance.now() - t0;
      if (tools.some((t) => t.name === 'agent-seo__analyze_page')) return { initialize, list, tools: performance.now() - t0 };
      if (performance.now() - t0 > 180_000) throw new Error('agent-seo__analyze_page not listed after 180 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await client.close();
  }
}

type Figures = Record<string, number[]>;
const figures = new Map<string, Figures>(checkouts.map((c) => [c.name, {}]));
const record = (who: string, what: string, ms: number) => {
  console.error(`  ${who}: ${what}: ${Number.isNaN(ms) ? 'fails' : `${Math.round(ms)} ms`}`);
  const f = figures.get(who)!;
  f[what] = [...(f[what] ?? []), ms];
};

const runCmds: [string, string[]][] = [
  ['call agent-seo:analyze_page', ['call', 'agent-seo:analyze_page', '-w', 'demo', '-i', '{"text":"Hello world. Spring sale."}']],
  ['token create', ['token', 'create', '-w', 'demo', '--role', 'member', '--name', 'bench']],
  ['run (until approval)', ['run', 'launch our spring sale on email and social', '-w', 'demo', '--to', 'ada@example.com']],
  ['approve (unknown step)', ['approve', '00000000-0000-4000-8000-000000000000', 'send_email', '-w', 'demo']],
  ['plugin enable', ['plugin', 'enable', 'agent-seo', '-w', 'demo']],
];

for (let round = 0; round < ROUNDS; round++) {
  for (const c of checkouts) {
    const dataDir = mkdtempSync(join(tmpdir(), `nh-bench-start-${c.name}-`));
    const started: ChildProcess[] = [];
    try {
      const first = await startHost(c.root, dataDir);
      started.push(first.child);
      record(c.name, 'start -> /health, first start (new data dir)', first.ms);
      record(c.name, 'start -> every plugin started, first start', first.readyMs);
      await stopHost(first.child);
      const second = await startHost(c.root, dataDir);
      started.push(second.child);
      record(c.name, 'start -> /health, second start', second.ms);
      record(c.name, 'start -> every plugin started, second start', second.readyMs);
      for (const [label, argv] of runCmds) {
        const r = await cli(c.root, dataDir, argv);
        if (r.code !== 0 && !label.startsWith('run') && !label.startsWith('approve'))
          console.error(`${c.name}: ${label} exited ${r.code}: ${r.out.slice(0, 400)}`);
        record(c.name, `${label} (host running)`, r.ms);
        if (!Number.isNaN(r.cpuMs)) record(c.name, `${label} (host running), CPU time`, r.cpuMs);
      }
      const withHost = await mcpTimes(c.root, dataDir);
      record(c.name, 'mcp -w demo: initialize (host running)', withHost.initialize);
      record(c.name, 'mcp -w demo: tools/list (host running)', withHost.list);
      record(c.name, 'mcp -w demo: agent-seo tools listed (host running)', withHost.tools);
      await stopHost(second.child);
      const alone = await mcpTimes(c.root, dataDir);
      record(c.name, 'mcp -w demo: initialize (no host)', alone.initialize);
      record(c.name, 'mcp -w demo: tools/list (no host)', alone.list);
      record(c.name, 'mcp -w demo: agent-seo tools listed (no host)', alone.tools);
    } finally {
      for (const child of started) await stopHost(child);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

const names = Object.keys(figures.get(checkouts.at(-1)!.name)!);
const s = (ms: number | undefined) => (ms === undefined ? '-' : Number.isNaN(ms) ? 'fails' : `${(ms / 1000).toFixed(2)} s`);
console.log(`\nstartup, median of ${ROUNDS} (wall time of real processes)`);
console.log(
  ['what'.padEnd(52), ...checkouts.map((c) => c.name.padStart(10)), ...(checkouts.length === 2 ? ['ratio'.padStart(8)] : [])].join(' '),
);
for (const name of names) {
  const cols = checkouts.map((c) => {
    const xs = figures.get(c.name)![name];
    return xs ? median(xs) : undefined;
  });
  const ratio =
    checkouts.length === 2 && cols[0] && cols[1] && !Number.isNaN(cols[0] + cols[1]) ? `${(cols[1] / cols[0]).toFixed(2)}x` : '';
  console.log([name.padEnd(52), ...cols.map((v) => s(v).padStart(10)), ...(checkouts.length === 2 ? [ratio.padStart(8)] : [])].join(' '));
}
