import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { type NeonHubError, PluginManifestSchema } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { readHostAudit } from '../../src/host-audit.js';
import { createRuntime } from '../../src/runtimes/index.js';
import { buildApp } from '../../src/server/app.js';
import { neonhubBin as bin } from '../cli-bin.js';
import { connectHttp } from '../mcp/client.js';
import { bootHost, lockRoot, makeRoot, removeRoot, silentLogger } from './helpers.js';

const fixture = resolve(import.meta.dirname, '../fixtures/mcp-drift');
const actor = { type: 'system' as const, id: 'test' };

interface LoggedCall {
  tool: string;
  poisoned: boolean;
}

/** A root with the rug-pull server, locked with the tools it lists honestly. */
async function driftRoot(name: string) {
  const root = makeRoot(name, [{ from: fixture }]);
  const log = join(root, 'calls.jsonl');
  process.env.DRIFT_CALL_LOG = log;
  // what `neonhub plugin lock` pins: the tools as the server lists them now (honestly)
  const dir = join(root, 'plugins/mcp-drift');
  const manifest = PluginManifestSchema.parse(JSON.parse(readFileSync(join(dir, 'plugin.json'), 'utf8')));
  const probe = createRuntime({ manifest, dir, cacheDir: join(root, '.cache'), logger: silentLogger().logger, isolation: 'isolated' });
  await probe.start();
  const honest = await probe.listTools();
  await probe.stop();
  await lockRoot(root, { extraTools: { 'mcp-drift': honest } });
  const calls = (): LoggedCall[] =>
    existsSync(log)
      ? readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [];
  return { root, calls };
}

function verify(root: string, command: string[] = ['plugin', 'verify']) {
  const r = spawnSync(process.execPath, [bin, ...command], {
    encoding: 'utf8',
    env: { ...process.env, NEONHUB_ROOT: root, NEONHUB_DATA_DIR: '.neonhub', LOG_LEVEL: 'error', NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout };
}

async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a rug pull at run time: honest tools/list, then list_changed and a poisoned description', () => {
  let root: string;
  let calls: () => LoggedCall[];
  let host: Host;
  let app: FastifyInstance;
  let url: URL;
  let token: string;

  beforeAll(async () => {
    ({ root, calls } = await driftRoot('drift'));
    host = await bootHost(root, { env: { NEONHUB_PLUGIN_RELIST_MS: '0' } });
    const ws = await host.storage.service.createWorkspace({ slug: 'acme' });
    await host.storage.service.enablePlugin('acme', 'mcp-drift');
    ({ token } = await host.storage.tokens.create({ workspaceId: ws.id, role: 'member', name: 'drift test' }));
    app = await buildApp(host);
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = new URL(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/mcp`);
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await host?.close();
    delete process.env.DRIFT_CALL_LOG;
    removeRoot(root);
  });

  const health = async () => {
    const res = await fetch(new URL('/health', url));
    if (res.status !== 200) throw new Error(`/health answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  const lookup = () => host.callTool({ workspace: 'acme', tool: 'mcp-drift:lookup', input: { sku: 'A-1' }, actor });

  it('quarantines the changed tool at once: 0 calls reach it, /health is degraded, verify fails, MCP clients re-list; a re-lock lifts it', async () => {
    const { client } = await connectHttp(url, token);
    let listChanged = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      listChanged++;
    });
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['mcp-drift__flip', 'mcp-drift__lookup']);
    expect(await lookup()).toMatchObject({ status: 'ok' });
    expect((await health()).status).toBe('ok');
    expect(verify(root).code).toBe(0);

    // The rug pull: the server changes lookup's description and says so, before answering flip.
    await host.callTool({ workspace: 'acme', tool: 'mcp-drift:flip', input: {}, actor });
    for (let i = 0; i < 10; i++) {
      const err = (await lookup().catch((e) => e)) as NeonHubError;
      expect(err.code).toBe('NH_TOOL_QUARANTINED');
    }
    // over MCP too: the poisoned tool is gone from the list and refused by name
    await waitFor(() => listChanged > 0, 10_000, 'list_changed at the MCP client');
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['mcp-drift__flip']);
    const viaMcp = await client.callTool({ name: 'mcp-drift__lookup', arguments: { sku: 'A-1' } }).catch((e: Error) => e);
    expect(String((viaMcp as Error).message)).toContain('NH_TOOL_QUARANTINED');
    expect(calls().filter((c) => c.tool === 'lookup' && c.poisoned)).toEqual([]);

    const degraded = await health();
    expect(degraded.status).toBe('degraded');
    expect(degraded.notices).toEqual([
      expect.objectContaining({ code: 'NH_TOOL_QUARANTINED', plugin: 'mcp-drift', message: expect.stringContaining('mcp-drift:lookup') }),
    ]);
    expect(degraded.notices[0].message).toContain('description differs from the lock');

    const audit = await readHostAudit(join(root, '.neonhub/audit/host.jsonl'));
    expect(audit.broken).toBeUndefined();
    expect(audit.entries).toEqual([
      expect.objectContaining({
        kind: 'plugin.tool_quarantined',
        data: expect.objectContaining({ plugin: 'mcp-drift', tool: 'lookup', on: 'list_changed' }),
      }),
    ]);
    const failed = verify(root);
    expect(failed.code).not.toBe(0);
    expect(failed.stdout).toContain('mcp-drift:lookup: NH_TOOL_QUARANTINED');
    const listed = JSON.parse(verify(root, ['plugin', 'list', '--json']).stdout) as { id: string; lock: string }[];
    expect(listed.find((p) => p.id === 'mcp-drift')?.lock).toBe('NH_TOOL_QUARANTINED');

    // A person reviews the new description and pins it: `neonhub plugin lock mcp-drift`.
    const before = listChanged;
    const served = host.registry
      .all()
      .filter((t) => t.pluginId === 'mcp-drift')
      .map((t) => t.definition);
    await lockRoot(root, { extraTools: { 'mcp-drift': served } });
    await waitFor(async () => (await health()).status === 'ok', 15_000, 'the quarantine to lift after the re-lock');
    expect(await lookup()).toMatchObject({ status: 'ok' });
    expect(calls().filter((c) => c.tool === 'lookup' && c.poisoned)).toHaveLength(1);
    await waitFor(() => listChanged > before, 10_000, 'list_changed after the lift');
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['mcp-drift__flip', 'mcp-drift__lookup']);
    expect(verify(root).code).toBe(0);
    expect((await readHostAudit(join(root, '.neonhub/audit/host.jsonl'))).entries.map((e) => e.kind)).toEqual([
      'plugin.tool_quarantined',
      'plugin.tool_quarantine_lifted',
    ]);
    await client.close();
  }, 120_000);
});

describe('a silent change (no list_changed) is caught by the periodic re-list', () => {
  let root: string;
  let calls: () => LoggedCall[];
  let host: Host;

  beforeAll(async () => {
    ({ root, calls } = await driftRoot('drift-silent'));
    process.env.DRIFT_SILENT = '1';
    host = await bootHost(root, { env: { NEONHUB_PLUGIN_RELIST_MS: '200' } });
    await host.storage.service.createWorkspace({ slug: 'acme' });
    await host.storage.service.enablePlugin('acme', 'mcp-drift');
  }, 180_000);

  afterAll(async () => {
    await host?.close();
    delete process.env.DRIFT_CALL_LOG;
    delete process.env.DRIFT_SILENT;
    removeRoot(root);
  });

  it('quarantines the tool within a re-list interval and raises the notice', async () => {
    await host.callTool({ workspace: 'acme', tool: 'mcp-drift:flip', input: {}, actor });
    await waitFor(() => host.notices.list().length > 0, 10_000, 'the periodic re-list to see the change');
    expect(host.notices.list()).toEqual([expect.objectContaining({ code: 'NH_TOOL_QUARANTINED', plugin: 'mcp-drift' })]);
    const err = (await host
      .callTool({ workspace: 'acme', tool: 'mcp-drift:lookup', input: { sku: 'B-2' }, actor })
      .catch((e) => e)) as NeonHubError;
    expect(err.code).toBe('NH_TOOL_QUARANTINED');
    expect(calls().filter((c) => c.tool === 'lookup')).toEqual([]);
  }, 60_000);
});
