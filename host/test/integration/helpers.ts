import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunView } from '@neonhub/orchestrator';
import type { FastifyInstance, InjectOptions } from 'fastify';
import pino from 'pino';
import { readOperatorCredential } from '../../src/accounts/index.js';
import { loadConfig } from '../../src/config.js';
import { createHost, type Host } from '../../src/host.js';
import { pluginRoots } from '../../src/plugin-loading.js';
import { discoverPlugins, lockPlugins } from '../../src/plugins/index.js';

const repo = resolve(import.meta.dirname, '../../..');
export const runtimeFixtures = resolve(import.meta.dirname, '../fixtures/runtime-plugins');

/**
 * A NeonHub root for one test file, inside host/test/.tmp so plugin code resolves @neonhub/sdk and
 * zod through host/node_modules. Plugins are copied (or symlinked, for repo plugins with their own deps).
 */
let roots = 0;
export function makeRoot(name: string, plugins: { from: string; as?: string; link?: boolean }[]): string {
  // pid, time and a count: two roots of one name made in one millisecond (a loop, a helper called twice) stay apart
  const root = join(repo, 'host/test/.tmp', `${name}-${process.pid}-${Date.now()}-${++roots}`);
  mkdirSync(join(root, 'plugins'), { recursive: true });
  for (const p of plugins) {
    const target = join(root, 'plugins', p.as ?? p.from.split('/').pop()!);
    if (p.link) symlinkSync(p.from, target, 'dir');
    else cpSync(p.from, target, { recursive: true, filter: (src) => !src.includes('node_modules') });
  }
  return root;
}

/** Removes a root made by makeRoot (call it in afterAll). */
export function removeRoot(root: string | undefined) {
  if (root) rmSync(root, { recursive: true, force: true });
}

export function writePlugin(root: string, dirName: string, files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    const file = join(root, 'plugins', dirName, path);
    mkdirSync(resolve(file, '..'), { recursive: true });
    writeFileSync(file, text);
  }
}

export const repoPlugin = (id: string) => join(repo, 'plugins', id);

/** Pins every plugin under the root (as a developer would with `neonhub plugin lock`). */
export async function lockRoot(
  root: string,
  opts: { isolation?: Record<string, 'in-process' | 'isolated'>; extraTools?: Parameters<typeof lockPlugins>[0]['extraTools'] } = {},
) {
  const config = loadConfig({ NEONHUB_DATA_DIR: '.neonhub' }, root);
  const found = await discoverPlugins(pluginRoots(config), { repoRoot: root });
  if (found.errors.length) throw found.errors[0]!.error;
  return lockPlugins({ lockPath: join(root, 'plugins.lock.json'), plugins: found.plugins, ...opts });
}

export function silentLogger() {
  const records: Record<string, unknown>[] = [];
  return { logger: pino({ level: 'debug' }, { write: (line: string) => void records.push(JSON.parse(line)) }), records };
}

export async function bootHost(
  root: string,
  opts: { seed?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<Host & { records: Record<string, unknown>[] }> {
  const { logger, records } = silentLogger();
  const config = loadConfig({ NEONHUB_DATA_DIR: '.neonhub', LOG_LEVEL: 'debug', ...opts.env }, root);
  const host = await createHost({ config, logger, seed: opts.seed ?? false });
  return Object.assign(host, { records });
}

/**
 * `app.inject` as the operator (the CLI): with the credential the host wrote into its data directory.
 * Call it after buildApp (which writes the credential at first start).
 */
export function operatorInject(app: FastifyInstance, host: Host): FastifyInstance['inject'] {
  const token = readOperatorCredential(host.config.dataDir);
  if (!token) throw new Error(`no operator credential in ${host.config.dataDir}: build the app first`);
  return ((opts: InjectOptions) =>
    app.inject({ ...opts, headers: { authorization: `Bearer ${token}`, ...opts.headers } })) as FastifyInstance['inject'];
}

/**
 * JSON calls to the app through `inject()` (read when called: tests assign it in beforeAll), and a wait for a run,
 * read through `GET /api/runs/:id`, to reach a state — 60 s is a hang guard, not a budget.
 */
export function apiThrough(inject: () => FastifyInstance['inject']) {
  const api = async <T = Record<string, unknown>>(method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const r = await inject()({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: r.statusCode, body: r.json() as T };
  };
  async function untilRun(runId: string, done: (v: RunView) => boolean): Promise<RunView> {
    const by = Date.now() + 60_000;
    for (;;) {
      const v = (await api<RunView>('GET', `/api/runs/${runId}`)).body;
      if (done(v)) return v;
      if (Date.now() > by) throw new Error(`run ${runId} did not get there: ${JSON.stringify(v.run?.status)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { api, untilRun };
}
