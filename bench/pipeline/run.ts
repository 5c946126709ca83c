/**
 * Pipeline overhead per call: a no-op tool called through host.callTool (workspace lookup, enabled
 * check, input validation, hooks, timeout, output validation, call log) vs calling its handler
 * directly, side by side in one run, on a real host (PGlite) with the rt-basic fixture in-process.
 *
 * The host's database is PGlite, side by side on the host's thread (the default) and on a worker thread of its own
 * (NEONHUB_PGLITE_THREAD=on): the p99 is the call-log batch write holding the host's thread (issue 17's goal, <= 0.5 ms).
 *
 *   npx tsx bench/pipeline/run.ts [N=5000]
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { createMemoryStore } from '@neonhub/sdk';
import pino from 'pino';
import { loadConfig } from '../../host/src/config.js';
import { createHost } from '../../host/src/host.js';
import { pluginRoots } from '../../host/src/plugin-loading.js';
import { discoverPlugins, lockPlugins } from '../../host/src/plugins/index.js';
import { printTable, summarize, timeEach } from '../stats.js';

const N = Number(process.argv[2] ?? 5000);
const repo = resolve(import.meta.dirname, '../..');
// Inside the repo so the fixture resolves @neonhub/sdk and zod through host/node_modules.
const root = join(repo, 'host/test/.tmp', `bench-pipeline-${process.pid}`);
rmSync(root, { recursive: true, force: true });
mkdirSync(join(root, 'plugins'), { recursive: true });
cpSync(join(repo, 'host/test/fixtures/runtime-plugins/rt-basic'), join(root, 'plugins/rt-basic'), { recursive: true });

const plugin = (await import(join(root, 'plugins/rt-basic/src/index.ts'))).default;
const noop = plugin.tools.find((t: { name: string }) => t.name === 'noop');
const ctx = {
  workspace: { id: 'w', slug: 'bench' },
  actor: { type: 'system', id: 'bench' },
  config: {},
  secrets: { get: async () => undefined },
  idempotencyKey: 'k',
  callId: 'c',
  callTool: async () => undefined,
  store: createMemoryStore(),
  signal: new AbortController().signal,
  fetch,
  logger: pino({ level: 'silent' }),
};
const actor = { type: 'system' as const, id: 'bench' };
const direct = () => noop.run({}, ctx);

/** A host on PGlite, its database on the host's thread (the default) or on a worker thread of its own. */
async function openHost(thread: boolean) {
  const config = loadConfig(
    { NEONHUB_DATA_DIR: `.neonhub-${thread ? 'thread' : 'here'}`, LOG_LEVEL: 'warn', NEONHUB_PGLITE_THREAD: thread ? 'on' : 'off' },
    root,
  );
  const found = await discoverPlugins(pluginRoots(config), { repoRoot: root });
  await lockPlugins({ lockPath: join(root, 'plugins.lock.json'), plugins: found.plugins });
  const host = await createHost({ config, logger: pino({ level: 'warn' }), seed: false });
  await host.storage.service.createWorkspace({ slug: 'bench' });
  await host.storage.service.enablePlugin('bench', 'rt-basic');
  return host;
}
const here = await openHost(false);
const onThread = await openHost(true);
const via = (host: typeof here) => () => host.callTool({ workspace: 'bench', tool: 'rt-basic:noop', input: {}, actor });

// warm up every path (JIT, caches), then interleave rounds so drift hits all of them equally
await timeEach(500, via(here));
await timeEach(500, via(onThread));
await timeEach(500, direct);
const d: number[] = [];
const a: number[] = [];
const b: number[] = [];
for (let round = 0; round < 4; round++) {
  d.push(...(await timeEach(N / 4, direct)));
  a.push(...(await timeEach(N / 4, via(here))));
  b.push(...(await timeEach(N / 4, via(onThread))));
}
const rows = [
  summarize('handler called directly', d),
  summarize('host.callTool, PGlite on the host thread', a),
  summarize('host.callTool, PGlite on a worker thread', b),
];
printTable(`pipeline overhead, no-op tool, ${N} sequential calls (the call log written behind the calls)`, rows);
console.log(
  `\nadded per call at p50: ${((rows[1]!.p50 - rows[0]!.p50) * 1000).toFixed(1)} µs (host thread), ${((rows[2]!.p50 - rows[0]!.p50) * 1000).toFixed(1)} µs (worker thread)`,
);
console.log(
  `host.callTool p99 (goal <= 0.5 ms on PGlite): ${rows[1]!.p99.toFixed(3)} ms with PGlite on the host thread, ${rows[2]!.p99.toFixed(3)} ms on a worker thread (NEONHUB_PGLITE_THREAD=on); load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
await onThread.close();
const host = here;

// What one call-log write holds the thread for on PGlite (its queries run on this thread): the batch of 200 the
// log used to write as one statement, vs the 16-row slices it writes now with a yield between them.
const benchWs = (await host.storage.service.resolveWorkspace('bench')).id;
const record = (i: number) => ({
  callId: crypto.randomUUID(),
  workspaceId: benchWs,
  plugin: 'rt-basic',
  tool: 'rt-basic:noop',
  actor,
  status: 'ok' as const,
  durationMs: 0.02,
  idempotencyKey: `bench-${i}`,
});
const writeOf = (n: number) => async () => {
  await host.storage.recordCalls(Array.from({ length: n }, (_, i) => record(i)));
};
const w200 = await timeEach(20, writeOf(200));
const w16 = await timeEach(20, writeOf(16));
const w4 = await timeEach(40, writeOf(4));
printTable('one call-log statement on PGlite (the thread is held for all of it)', [
  summarize('200 rows (the whole batch)', w200),
  summarize('16 rows (one slice: what a call can wait)', w16),
  summarize('4 rows (a smaller slice: more statements)', w4),
]);
await host.close();
rmSync(root, { recursive: true, force: true });
