/**
 * Pipeline overhead per call: a no-op tool called through host.callTool (workspace lookup, enabled
 * check, input validation, hooks, timeout, output validation, call log) vs calling its handler
 * directly, side by side in one run, on a real host (PGlite) with the rt-basic fixture in-process.
 *
 *   npx tsx bench/pipeline/run.ts [N]
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
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

const config = loadConfig({ NEONHUB_DATA_DIR: '.neonhub', LOG_LEVEL: 'warn' }, root);
const found = await discoverPlugins(pluginRoots(config), { repoRoot: root });
await lockPlugins({ lockPath: join(root, 'plugins.lock.json'), plugins: found.plugins });
const host = await createHost({ config, logger: pino({ level: 'warn' }), seed: false });
await host.storage.service.createWorkspace({ slug: 'bench' });
await host.storage.service.enablePlugin('bench', 'rt-basic');

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
const viaPipeline = () => host.callTool({ workspace: 'bench', tool: 'rt-basic:noop', input: {}, actor });
const direct = () => noop.run({}, ctx);

// warm up both paths (JIT, caches), then interleave rounds so drift hits both equally
await timeEach(500, viaPipeline);
await timeEach(500, direct);
const a: number[] = [];
const b: number[] = [];
for (let round = 0; round < 4; round++) {
  a.push(...(await timeEach(N / 4, direct)));
  b.push(...(await timeEach(N / 4, viaPipeline)));
}
const rows = [summarize('handler called directly', a), summarize('host.callTool (in-process, no hooks)', b)];
printTable(`pipeline overhead, no-op tool, ${N} sequential calls`, rows);
console.log(
  `\nadded per call at p50: ${((rows[1]!.p50 - rows[0]!.p50) * 1000).toFixed(1)} µs, mean: ${((rows[1]!.mean - rows[0]!.mean) * 1000).toFixed(1)} µs`,
);

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
printTable('one call-log statement on PGlite (the thread is held for all of it)', [
  summarize('200 rows (the whole batch, before)', w200),
  summarize('16 rows (one slice, now)', w16),
]);
await host.close();
rmSync(root, { recursive: true, force: true });
