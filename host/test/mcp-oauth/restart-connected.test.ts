import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { MCP_OAUTH_CALLBACK_PATH } from '../../src/mcp-oauth/index.js';
import { listMcpTools } from '../../src/runtimes/mcp-call.js';
import { startOAuthMcpServer } from '../fixtures/oauth-mcp-server.js';
import { bootHost, lockRoot, makeRoot, removeRoot, silentLogger } from '../integration/helpers.js';

const PLUGIN = 'oauth-restart';
const actor = { type: 'system' as const, id: 'test' };
const redirectUri = `http://localhost:8787${MCP_OAUTH_CALLBACK_PATH}`;
const env = { NEONHUB_OUTBOUND_ALLOW: '127.0.0.1', NEONHUB_PLUGIN_RELIST_MS: '0' };

let server: Awaited<ReturnType<typeof startOAuthMcpServer>>;
let root: string;
let host: Host | undefined;

/**
 * An OAuth plugin's runtime lists its tools during its start, through a workspace that connected earlier — before
 * the host's manifest map has the plugin. It must come up with its tools after a host restart and after a reload,
 * not with none until the next re-list (the bug the conformance client suite found).
 */
beforeAll(async () => {
  server = await startOAuthMcpServer();
  root = makeRoot('mcp-oauth-restart', []);
  const dir = join(root, 'plugins', PLUGIN);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'plugin.json'),
    JSON.stringify({
      id: PLUGIN,
      version: '1.0.0',
      kind: 'connector',
      description: 'A remote MCP server behind OAuth',
      host: '^0.2.0',
      runtime: { type: 'mcp-http', url: server.url, oauth: { scope: 'mcp:tools' } },
    }),
  );
  const client = new Client({ name: 'locker', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { authorization: `Bearer ${server.mint('locker')}` } },
    }),
  );
  const tools = await listMcpTools(client, { pluginId: PLUGIN, trustNeonHubMeta: false, logger: silentLogger().logger });
  await client.close();
  await lockRoot(root, { extraTools: { [PLUGIN]: tools } });

  host = await bootHost(root, { env });
  const ws = await host.storage.service.createWorkspace({ slug: 'alpha' });
  await host.storage.service.enablePlugin('alpha', PLUGIN);
  const started = await host.storage.mcpOAuth.start(ws.id, PLUGIN, {}, { userId: null, redirectUri });
  if (started.status !== 'redirect') throw new Error('expected an authorization URL');
  const res = await fetch(started.authorizeUrl, { redirect: 'manual', headers: { 'x-account': 'alice' } });
  const done = await host.storage.mcpOAuth.finish(new URL(res.headers.get('location')!).searchParams, { userId: null });
  if (done.error) throw done.error;
  await host.close();
  host = undefined;
}, 120_000);

afterAll(async () => {
  await host?.close();
  await server?.close();
  removeRoot(root);
});

describe('an OAuth plugin with a connected workspace', () => {
  it('has its tools as soon as a restarted host is up, and they carry the workspace token', async () => {
    host = await bootHost(root, { env });
    expect(host.problems).toEqual([]);
    expect(host.registry.toolsOf([PLUGIN]).map((t) => t.name)).toEqual(['whoami']);
    const r = await host.callTool({ workspace: 'alpha', tool: `${PLUGIN}:whoami`, input: {}, actor });
    expect(r).toMatchObject({ status: 'ok', output: { account: 'alice' } });
  });

  it('keeps them when a re-lock reloads it', async () => {
    const lockPath = join(root, 'plugins.lock.json');
    const { readLockfile, writeLockfile } = await import('../../src/plugins/lock.js');
    const lock = await readLockfile(lockPath);
    lock.plugins[PLUGIN]!.isolation = lock.plugins[PLUGIN]!.isolation === 'isolated' ? 'in-process' : 'isolated'; // an entry change
    await writeLockfile(lockPath, lock);
    const reload = await host!.reloadPlugins();
    expect(reload.reloaded).toEqual([PLUGIN]);
    expect(host!.registry.toolsOf([PLUGIN]).map((t) => t.name)).toEqual(['whoami']);
  });
});
