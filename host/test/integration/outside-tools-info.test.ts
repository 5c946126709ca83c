import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Lockfile, PluginManifestSchema, WorkspacePluginListSchema } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Host } from '../../src/host.js';
import { pluginRoots } from '../../src/plugin-loading.js';
import { readQuarantine } from '../../src/plugins/drift.js';
import { discoverPlugins, lockPlugins } from '../../src/plugins/index.js';
import { createRuntime } from '../../src/runtimes/index.js';
import { buildApp } from '../../src/server/app.js';
import { neonhubBin as bin } from '../cli-bin.js';
import { bootHost, makeRoot, operatorInject, removeRoot, silentLogger } from './helpers.js';

const fixtures = resolve(import.meta.dirname, '../fixtures');

function neonhub(root: string, args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NEONHUB_ROOT: root, NEONHUB_DATA_DIR: '.neonhub', LOG_LEVEL: 'error', NO_COLOR: '1', FORCE_COLOR: '0' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Outside MCP servers declare no tools in their manifest: `plugin info` and the console's plugin page show the
 * tools plugins.lock.json pins for them, with the pinned hashes (issue 19, part 2).
 */
describe('an outside server’s tools, from the lock, in `plugin info` and the workspace plugins API', () => {
  let root: string;
  let host: Host;
  let app: FastifyInstance;
  let inject: FastifyInstance['inject'];
  let lock: Lockfile;
  const actor = { type: 'system' as const, id: 'test' };

  beforeAll(async () => {
    // mcp-drift pinned as it lists its tools now; mcp-echo installed but never locked
    root = makeRoot('outside-tools', [{ from: join(fixtures, 'mcp-drift') }, { from: join(fixtures, 'mcp-echo') }]);
    process.env.DRIFT_CALL_LOG = join(root, 'calls.jsonl');
    const dir = join(root, 'plugins/mcp-drift');
    const manifest = PluginManifestSchema.parse(JSON.parse(readFileSync(join(dir, 'plugin.json'), 'utf8')));
    const probe = createRuntime({ manifest, dir, cacheDir: join(root, '.cache'), logger: silentLogger().logger, isolation: 'isolated' });
    await probe.start();
    const listed = await probe.listTools();
    await probe.stop();
    const config = loadConfig({ NEONHUB_DATA_DIR: '.neonhub' }, root);
    const found = await discoverPlugins(pluginRoots(config), { repoRoot: root });
    ({ lock } = await lockPlugins({
      lockPath: join(root, 'plugins.lock.json'),
      plugins: found.plugins,
      only: ['mcp-drift'],
      extraTools: { 'mcp-drift': listed },
    }));
    host = await bootHost(root, { env: { NEONHUB_PLUGIN_RELIST_MS: '0' } });
    await host.storage.service.createWorkspace({ slug: 'acme' });
    await host.storage.service.enablePlugin('acme', 'mcp-drift');
    app = await buildApp(host);
    inject = operatorInject(app, host);
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await host?.close();
    delete process.env.DRIFT_CALL_LOG;
    removeRoot(root);
  });

  const plugins = async () => {
    const res = await inject({ method: 'GET', url: '/api/workspaces/acme/plugins' });
    expect(res.statusCode).toBe(200);
    return WorkspacePluginListSchema.parse(res.json()).plugins;
  };

  it('the lock pins two tools for the server, none in its manifest', () => {
    expect(Object.keys(lock.plugins['mcp-drift']!.tools).sort()).toEqual(['flip', 'lookup']);
    expect(lock.plugins['mcp-echo']).toBeUndefined();
  });

  it('`plugin info` lists the pinned tools with their hashes; an unpinned server says how to pin it', () => {
    const info = neonhub(root, ['plugin', 'info', 'mcp-drift']);
    expect(info.code).toBe(0);
    expect(info.stdout).toContain('2 pinned in plugins.lock.json');
    for (const [name, hash] of Object.entries(lock.plugins['mcp-drift']!.tools)) {
      expect(hash).toMatch(/^sha256-/);
      expect(info.stdout).toMatch(new RegExp(`mcp-drift:${name}\\s+${hash.replace(/[+/]/g, (c) => `\\${c}`)}`));
    }
    const json = JSON.parse(neonhub(root, ['plugin', 'info', 'mcp-drift', '--json']).stdout);
    expect(json.lock.tools).toEqual(lock.plugins['mcp-drift']!.tools);
    expect(json.quarantined).toEqual([]);

    const unpinned = neonhub(root, ['plugin', 'info', 'mcp-echo']);
    expect(unpinned.code).toBe(0);
    expect(unpinned.stdout).toContain('not pinned yet: `neonhub plugin lock mcp-echo`');
  });

  it('the API (the console’s plugin page) lists the pinned tools with their hashes, and the served ones as tools', async () => {
    const drift = (await plugins()).find((p) => p.id === 'mcp-drift')!;
    expect(drift.runtime).toBe('mcp');
    expect(drift.pinnedTools).toEqual([
      { name: 'mcp-drift:flip', hash: lock.plugins['mcp-drift']!.tools.flip, state: 'served' },
      { name: 'mcp-drift:lookup', hash: lock.plugins['mcp-drift']!.tools.lookup, state: 'served' },
    ]);
    expect(drift.tools.map((t) => [t.name, t.sideEffect])).toEqual([
      ['mcp-drift:flip', 'read'],
      ['mcp-drift:lookup', 'read'],
    ]);
  });

  it('a tool the server changes at run time shows as quarantined, with the reason, in both', async () => {
    // the rug pull: flip makes the server change lookup's description and send list_changed
    await host.callTool({ workspace: 'acme', tool: 'mcp-drift:flip', input: {}, actor });
    await waitFor(
      async () => (await plugins()).find((p) => p.id === 'mcp-drift')!.pinnedTools[1]!.state === 'quarantined',
      15_000,
      'quarantine',
    );
    const drift = (await plugins()).find((p) => p.id === 'mcp-drift')!;
    expect(drift.pinnedTools[1]).toMatchObject({
      name: 'mcp-drift:lookup',
      state: 'quarantined',
      reason: expect.stringContaining('description'),
    });
    expect(drift.tools.map((t) => t.name)).toEqual(['mcp-drift:flip']);

    // the CLI reads the running host's quarantine file, written just after the registry changes
    await waitFor(
      async () => 'lookup' in ((await readQuarantine(host.config.dataDir)).plugins['mcp-drift'] ?? {}),
      15_000,
      'quarantine.json',
    );
    const info = neonhub(root, ['plugin', 'info', 'mcp-drift']);
    expect(info.stdout).toMatch(/mcp-drift:lookup\s+sha256-\S+\s+quarantined since/);
  });
});
