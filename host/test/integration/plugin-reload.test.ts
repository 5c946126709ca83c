/**
 * Plugins locked, changed or unpinned while the host runs are picked up by POST /api/plugins/reload (what
 * `neonhub plugin lock` and `plugin uninstall` call): loaded, restarted or stopped without a restart, their
 * workspaces' MCP clients told (onPluginToolsChanged), and only the operator may ask.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { buildApp } from '../../src/server/app.js';
import { neonhubBin as bin } from '../cli-bin.js';
import { bootHost, lockRoot, makeRoot, operatorInject, removeRoot, runtimeFixtures } from './helpers.js';

let root: string;
let host: Host;
let app: FastifyInstance;
let asOperator: FastifyInstance['inject'];
const changed: string[] = [];

const reload = async () => {
  const res = await asOperator({ method: 'POST', url: '/api/plugins/reload' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { added: string[]; removed: string[]; reloaded: string[]; failed: { id: string; code: string }[] };
};
const enable = (id: string) => asOperator({ method: 'POST', url: `/api/workspaces/acme/plugins/${id}/enable` });
const ping = (n: number) => asOperator({ method: 'POST', url: '/api/workspaces/acme/tools/rt-other:ping/call', payload: { input: { n } } });

beforeAll(async () => {
  root = makeRoot('reload', [{ from: join(runtimeFixtures, 'rt-other') }]);
  writeFileSync(join(root, 'plugins.lock.json'), `${JSON.stringify({ lockfileVersion: 1, plugins: {} }, null, 2)}\n`);
  host = await bootHost(root);
  host.onPluginToolsChanged((id) => changed.push(id));
  app = await buildApp(host);
  asOperator = operatorInject(app, host);
  await host.storage.service.createWorkspace({ slug: 'acme' });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await host?.close();
  removeRoot(root);
});

describe('plugin reload while the host runs', () => {
  it('only the operator may reload', async () => {
    const anonymous = await app.inject({ method: 'POST', url: '/api/plugins/reload' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('an unlocked plugin is not loaded, and cannot be enabled', async () => {
    expect(host.registry.plugin('rt-other')).toBeUndefined();
    expect((await enable('rt-other')).json().error.code).toBe('NH_PLUGIN_NOT_FOUND');
    expect(await reload()).toEqual({ added: [], removed: [], reloaded: [], failed: [] });
  });

  it('once locked, a reload loads it: enabled and called without a restart', async () => {
    await lockRoot(root);
    expect(await reload()).toEqual({ added: ['rt-other'], removed: [], reloaded: [], failed: [] });
    expect(changed).toContain('rt-other');
    expect((await enable('rt-other')).statusCode).toBe(200);
    const res = await ping(3);
    expect(res.json(), res.body).toMatchObject({ status: 'ok', output: { pong: 3 } });
    expect(await reload()).toEqual({ added: [], removed: [], reloaded: [], failed: [] }); // nothing changed: nothing restarted
  });

  it('an in-process plugin changed and re-locked keeps its running version: NH_PLUGIN_RESTART_REQUIRED', async () => {
    const file = join(root, 'plugins/rt-other/src/index.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('({ pong: n })', '({ pong: n * 10 })'));
    await lockRoot(root);
    const r = await reload();
    expect(r.reloaded).toEqual([]);
    expect(r.failed).toEqual([expect.objectContaining({ id: 'rt-other', code: 'NH_PLUGIN_RESTART_REQUIRED' })]);
    expect((await ping(3)).json()).toMatchObject({ status: 'ok', output: { pong: 3 } });
  });

  it('locked isolated, it is restarted in a child process with its new code; changed again, again', async () => {
    await lockRoot(root, { isolation: { 'rt-other': 'isolated' } });
    expect(await reload()).toEqual({ added: [], removed: [], reloaded: ['rt-other'], failed: [] });
    expect(host.registry.plugin('rt-other')?.isolation).toBe('isolated');
    expect((await ping(3)).json()).toMatchObject({ status: 'ok', output: { pong: 30 } });
    const file = join(root, 'plugins/rt-other/src/index.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('({ pong: n * 10 })', '({ pong: n * 100 })'));
    await lockRoot(root, { isolation: { 'rt-other': 'isolated' } });
    expect(await reload()).toEqual({ added: [], removed: [], reloaded: ['rt-other'], failed: [] });
    expect((await ping(3)).json()).toMatchObject({ status: 'ok', output: { pong: 300 } });
  });

  it('a plugin changed but not re-locked stays as it was loaded (the running code is what the lock approved)', async () => {
    const file = join(root, 'plugins/rt-other/src/index.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('({ pong: n * 100 })', '({ pong: n * 1000 })'));
    expect(await reload()).toEqual({ added: [], removed: [], reloaded: [], failed: [] });
    expect((await ping(3)).json()).toMatchObject({ status: 'ok', output: { pong: 300 } });
  });

  it('unpinned from the lock, a reload stops it: its tools are gone everywhere', async () => {
    writeFileSync(join(root, 'plugins.lock.json'), `${JSON.stringify({ lockfileVersion: 1, plugins: {} }, null, 2)}\n`);
    changed.length = 0;
    expect(await reload()).toEqual({ added: [], removed: ['rt-other'], reloaded: [], failed: [] });
    expect(changed).toEqual(['rt-other']);
    expect(host.registry.plugin('rt-other')).toBeUndefined();
    expect((await ping(1)).json().error.code).toBe('NH_TOOL_NOT_FOUND');
    expect((await enable('rt-other')).json().error.code).toBe('NH_PLUGIN_NOT_FOUND');
    const health = (await app.inject({ method: 'GET', url: '/health' })).json() as { plugins: { id: string }[] };
    expect(health.plugins.map((p) => p.id)).not.toContain('rt-other');
  });

  it('a locked plugin that does not match its lock is reported, and the host runs on', async () => {
    await lockRoot(root, { isolation: { 'rt-other': 'isolated' } });
    const file = join(root, 'plugins/rt-other/src/index.ts');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n// changed after the lock\n`);
    const r = await reload();
    expect(r.added).toEqual([]);
    expect(r.failed).toEqual([expect.objectContaining({ id: 'rt-other', code: 'NH_PLUGIN_LOCK_MISMATCH' })]);
    expect(host.problems.map((p) => p.error.code)).toContain('NH_PLUGIN_LOCK_MISMATCH');
  });

  it('the CLI: `plugin lock` has the running host load it, `plugin uninstall` has it stop it', async () => {
    // what `neonhub start` does: listen, and name its address in the data directory's lock file
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    writeFileSync(join(host.config.dataDir, 'neonhub.pid'), JSON.stringify({ pid: process.pid, purpose: 'test', url }));
    // asynchronously: the host answering it runs in this process
    const cli = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
        const child = spawn(process.execPath, [bin, ...args], {
          env: { ...process.env, NEONHUB_ROOT: root, NEONHUB_DATA_DIR: '.neonhub', LOG_LEVEL: 'error', NO_COLOR: '1' },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => {
          stdout += d;
        });
        child.stderr.on('data', (d) => {
          stderr += d;
        });
        child.on('close', (status) => done({ status, stdout, stderr }));
      });
    const locked = await cli('plugin', 'lock', 'rt-other', '--isolated');
    expect(locked.status, locked.stderr).toBe(0);
    expect(locked.stdout).toContain(`the running host (${url}) loaded rt-other`);
    expect(host.registry.plugin('rt-other')?.isolation).toBe('isolated');
    const gone = await cli('plugin', 'uninstall', 'rt-other');
    expect(gone.status, gone.stderr).toBe(0);
    expect(gone.stdout).toContain('rt-other is no longer pinned');
    expect(gone.stdout).toContain(`the running host (${url}) stopped rt-other`);
    expect(host.registry.plugin('rt-other')).toBeUndefined();
    const again = await cli('plugin', 'uninstall', 'nosuch');
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('NH_PLUGIN_NOT_FOUND');
  }, 240_000);
});
