import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createHost, type Host } from '../../src/host.js';
import { pluginRoots } from '../../src/plugin-loading.js';
import { discoverPlugins, readLockfile, verifyAgainstLock } from '../../src/plugins/index.js';
import { buildApp } from '../../src/server/app.js';
import { operatorInject, silentLogger } from './helpers.js';

const repo = resolve(import.meta.dirname, '../../..');

describe('this repository as shipped', () => {
  it('plugins.lock.json pins every plugin in plugins/ and mcp-servers/ exactly (run `pnpm neonhub plugin lock` after a change)', async () => {
    const config = loadConfig({}, repo);
    const found = await discoverPlugins(pluginRoots(config).slice(0, 2), { repoRoot: repo });
    expect(found.errors.map((e) => `${e.dir}: ${e.error.code}`)).toEqual([]);
    const lock = await readLockfile(join(repo, 'plugins.lock.json'));
    const problems: string[] = [];
    for (const p of found.plugins) await verifyAgainstLock(p, lock).catch((err) => problems.push(`${p.id}: ${err.code} ${err.message}`));
    expect(problems).toEqual([]);
    expect(Object.keys(lock.plugins).sort()).toEqual(found.plugins.map((p) => p.id).sort());
  });
});

describe('a first start on the embedded defaults (what `pnpm start` does)', () => {
  let host: Host;
  const dataDir = mkdtempSync(join(tmpdir(), 'nh-first-start-'));

  beforeAll(async () => {
    host = await createHost({ config: loadConfig({ NEONHUB_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, repo), logger: silentLogger().logger });
  }, 120_000);
  afterAll(async () => {
    await host?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads every first-party plugin with no problems and seeds the demo workspace with them enabled, the real provider connectors aside', async () => {
    expect(host.problems.map((p) => `${p.id}: ${p.error.code} ${p.error.message}`)).toEqual([]);
    const enabled = (await host.storage.service.listEnabledPlugins('demo')).map((p) => p.pluginId).sort();
    const loaded = host.registry.plugins().map((p) => p.manifest);
    expect(enabled).toEqual(
      loaded
        .filter((m) => !m.connector || m.connector.sandbox)
        .map((m) => m.id)
        .sort(),
    );
    expect(enabled).toEqual(expect.arrayContaining(['agent-seo', 'governance', 'data-trust', 'eco', 'memory']));
    const real = loaded.filter((m) => m.connector && !m.connector.sandbox).map((m) => m.id);
    expect(real).toEqual(
      expect.arrayContaining([
        'connector-x',
        'connector-linkedin',
        'connector-bluesky',
        'connector-mastodon',
        'connector-meta',
        'connector-hubspot',
        'connector-stripe',
      ]),
    );
    expect(enabled.filter((id) => real.includes(id))).toEqual([]);
  });

  it('serves /health and a tool call over HTTP, with coded errors for bad requests', async () => {
    const app = await buildApp(host);
    try {
      const health = await app.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(200);
      expect(health.json()).toMatchObject({ status: 'ok', database: 'pglite', problems: [] });
      // no credential: nothing, whatever the address (a rebound page, a plugin's socket to this port)
      const input = { html: '<h1>Spring sale</h1><p>Our spring sale starts today.</p>', keywords: ['spring sale'] };
      const anonymous = await app.inject({
        method: 'POST',
        url: '/api/workspaces/demo/tools/agent-seo:analyze_page/call',
        payload: { input },
      });
      expect([anonymous.statusCode, anonymous.json().error.code]).toEqual([401, 'NH_AUTH_REQUIRED']);
      const op = operatorInject(app, host);
      const call = await op({ method: 'POST', url: '/api/workspaces/demo/tools/agent-seo:analyze_page/call', payload: { input } });
      expect(call.statusCode).toBe(200);
      expect(call.json().output.keywords[0]).toMatchObject({ keyword: 'spring sale', occurrences: 2 });
      const badJson = await op({
        method: 'POST',
        url: '/api/workspaces/demo/tools/agent-seo:analyze_page/call',
        headers: { 'content-type': 'application/json' },
        payload: '{oops',
      });
      expect(badJson.statusCode).toBe(400);
      expect(badJson.json().error.code).toBe('NH_REQUEST_INVALID');
      const badInput = await op({
        method: 'POST',
        url: '/api/workspaces/demo/tools/agent-seo:analyze_page/call',
        payload: { input: { nope: true } },
      });
      expect(badInput.statusCode).toBe(400);
      expect(badInput.json().error.code).toBe('NH_TOOL_INPUT_INVALID');
      const missing = await op({ method: 'GET', url: '/api/nothing-here' });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe('NH_ROUTE_NOT_FOUND');
    } finally {
      await app.close();
    }
  });
});
