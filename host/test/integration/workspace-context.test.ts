import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ResourceListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { type NeonHubError, PluginManifestSchema } from '@neonhub/schemas';
import { checkMcpWorkspaceIsolation } from '@neonhub/sdk/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { installationSecretVariable } from '../../src/plugins/installation-secrets.js';
import { createRuntime } from '../../src/runtimes/index.js';
import { buildApp } from '../../src/server/app.js';
// @ts-expect-error: a plain-JS fixture (a third-party server written with the official SDK only)
import { createWorkspaceEchoServer } from '../fixtures/mcp-workspace-echo/server.mjs';
import { connectHttp } from '../mcp/client.js';
import { bootHost, lockRoot, makeRoot, removeRoot, silentLogger } from './helpers.js';

const repo = resolve(import.meta.dirname, '../../..');
const echoFixture = resolve(import.meta.dirname, '../fixtures/mcp-workspace-echo');
const token = `tok-${randomUUID()}`;
const tokenVariable = installationSecretVariable('ws-echo-http', 'ECHO_TOKEN');
const actor = { type: 'system' as const, id: 'test' };

let root: string;
let host: Host;
let http: Server;
const seenAuth: (string | undefined)[] = [];

/** The fixture over Streamable HTTP behind a bearer token, as a remote MCP server would be. */
async function startHttpFixture(): Promise<number> {
  const notes = new Map();
  const transports = new Map<string, StreamableHTTPServerTransport>();
  http = createServer(async (req, res) => {
    seenAuth.push(req.headers.authorization);
    if (req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401).end();
      return;
    }
    const sid = req.headers['mcp-session-id'];
    let transport = typeof sid === 'string' ? transports.get(sid) : undefined;
    if (!transport) {
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void transports.set(id, created),
      });
      await createWorkspaceEchoServer(notes).connect(created);
      transport = created;
    }
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return (http.address() as AddressInfo).port;
}

beforeAll(async () => {
  const port = await startHttpFixture();
  root = makeRoot('workspace-context', [
    { from: join(repo, 'mcp-servers/memory'), link: true },
    { from: echoFixture, as: 'ws-echo' },
  ]);
  const httpDir = join(root, 'plugins/ws-echo-http');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(httpDir);
  const httpManifest = {
    id: 'ws-echo-http',
    version: '1.0.0',
    kind: 'connector',
    description: 'The workspace echo server over Streamable HTTP, behind a bearer token',
    host: '^0.2.0',
    secrets: [{ name: 'ECHO_TOKEN', description: 'Bearer token of the remote server' }],
    runtime: { type: 'mcp-http', url: `http://127.0.0.1:${port}/mcp`, bearerSecret: 'ECHO_TOKEN' },
  };
  writeFileSync(join(httpDir, 'plugin.json'), JSON.stringify(httpManifest, null, 2));
  process.env[tokenVariable] = token;

  // `neonhub plugin lock`: the outside servers' tools as they list them now.
  const list = async (manifest: unknown, dir: string) => {
    const rt = createRuntime({
      manifest: PluginManifestSchema.parse(manifest),
      dir,
      cacheDir: join(root, '.cache'),
      logger: silentLogger().logger,
      isolation: 'isolated',
      resolveSecret: async () => token,
      outboundAllow: ['127.0.0.1'],
    });
    await rt.start();
    const tools = await rt.listTools();
    await rt.stop();
    return tools;
  };
  const { readFileSync } = await import('node:fs');
  const echoDir = join(root, 'plugins/ws-echo');
  await lockRoot(root, {
    extraTools: {
      'ws-echo': await list(JSON.parse(readFileSync(join(echoDir, 'plugin.json'), 'utf8')), echoDir),
      'ws-echo-http': await list(httpManifest, httpDir),
    },
  });
  // The memory server's tools as the repository's lock pins them (listed from the live server).
  const lockPath = join(root, 'plugins.lock.json');
  const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
  const repoLock = JSON.parse(readFileSync(join(repo, 'plugins.lock.json'), 'utf8'));
  lock.plugins.memory = { ...lock.plugins.memory, tools: repoLock.plugins.memory.tools, toolFields: repoLock.plugins.memory.toolFields };
  writeFileSync(lockPath, JSON.stringify(lock, null, 2));
  // On a loaded machine the memory server can miss its start timeout; starts that recover are issue 12 item 7.
  for (let attempt = 1; ; attempt++) {
    host = await bootHost(root, {
      env: {
        NEONHUB_OUTBOUND_ALLOW: '127.0.0.1', // the mcp-http server is local
        NEONHUB_PLUGIN_LIMITS: JSON.stringify({ memory: { startTimeoutMs: 120_000 } }),
      },
    });
    if (attempt === 3 || host.problems.every((p) => p.error.code !== 'NH_PLUGIN_LOAD_FAILED')) break;
    await host.close();
  }
  for (const slug of ['alpha', 'beta']) {
    await host.storage.service.createWorkspace({ slug });
    for (const id of ['memory', 'ws-echo', 'ws-echo-http']) await host.storage.service.enablePlugin(slug, id);
  }
}, 180_000);

afterAll(async () => {
  await host?.close();
  delete process.env[tokenVariable];
  http?.closeAllConnections();
  await new Promise((r) => http?.close(r));
  removeRoot(root);
});

const call = async (workspace: string, tool: string, input: unknown) => {
  const r = await host.callTool({ workspace, tool, input, actor });
  if (r.status !== 'ok') throw new Error(`${tool} is pending approval`);
  return r.output as Record<string, unknown>;
};

describe('the workspace of every call reaches outside MCP servers', () => {
  it('loads the memory server, an mcp-stdio server and an mcp-http server with a bearer secret, none quarantined', () => {
    expect(host.problems.map((p) => `${p.id}: ${p.error.code} ${p.error.message}`)).toEqual([]);
    expect(host.registry.all().filter((t) => t.quarantined)).toEqual([]);
    expect(host.registry.plugin('ws-echo-http')?.runtime.status).toBe('ready');
  });

  it('memory: a document stored from alpha is found from alpha and never from beta', async () => {
    const stored = await call('alpha', 'memory:memory_ingest', {
      title: 'Alpha pricing',
      content: 'Alpha sells trail running shoes for 120 euros with free returns within 30 days.',
      collection: 'pricing',
    });
    const documentId = stored.documentId as string;
    const inAlpha = await call('alpha', 'memory:memory_search', { query: 'trail running shoes returns', mode: 'hybrid' });
    expect((inAlpha.hits as { documentId: string }[]).map((h) => h.documentId)).toContain(documentId);
    for (const mode of ['vector', 'text', 'hybrid']) {
      const inBeta = await call('beta', 'memory:memory_search', { query: 'trail running shoes returns', mode });
      expect(inBeta.hits).toEqual([]);
    }
    expect((await call('beta', 'memory:memory_list_collections', {})).collections).toEqual([]);
    const got = (await host
      .callTool({ workspace: 'beta', tool: 'memory:memory_get_document', input: { documentId }, actor })
      .catch((e) => e)) as NeonHubError;
    // the memory server's own code reaches the host (memory 0.2.0 answers with its status and category): beta is told
    // the document does not exist, not that it belongs to someone else
    expect(got.code).toBe('NH_MEMORY_DOCUMENT_NOT_FOUND');
    expect(got.message).not.toContain('Alpha pricing');
    expect(((await call('alpha', 'memory:memory_get_document', { documentId })) as { title: string }).title).toBe('Alpha pricing');
  });

  for (const plugin of ['ws-echo', 'ws-echo-http']) {
    it(`${plugin}: the server receives the calling workspace and keeps each workspace's notes apart`, async () => {
      const alpha = await host.storage.workspaces.resolve('alpha');
      const beta = await host.storage.workspaces.resolve('beta');
      expect((await call('alpha', `${plugin}:whoami`, {})).workspace).toEqual({ id: alpha.id, slug: 'alpha' });
      expect((await call('beta', `${plugin}:whoami`, {})).workspace).toEqual({ id: beta.id, slug: 'beta' });
      await call('alpha', `${plugin}:note_add`, { text: `alpha's secret plan via ${plugin}` });
      expect((await call('alpha', `${plugin}:note_list`, {})).notes).toEqual([`alpha's secret plan via ${plugin}`]);
      expect((await call('beta', `${plugin}:note_list`, {})).notes).toEqual([]);
    });
  }

  it('mcp-http: every request to the server carried the bearer token from NEONHUB_PLUGIN_WS_ECHO_HTTP__ECHO_TOKEN', () => {
    expect(tokenVariable).toBe('NEONHUB_PLUGIN_WS_ECHO_HTTP__ECHO_TOKEN');
    expect(seenAuth.length).toBeGreaterThan(3);
    expect(seenAuth.every((a) => a === `Bearer ${token}`)).toBe(true);
  });
});

describe("outside servers' resources and prompts on the workspace's MCP endpoint", () => {
  let app: FastifyInstance;
  let url: URL;
  const tokenFor = async (slug: string) => {
    const ws = await host.storage.workspaces.resolve(slug);
    return (await host.storage.tokens.create({ workspaceId: ws.id, role: 'member', name: `${slug} passthrough` })).token;
  };

  beforeAll(async () => {
    await host.storage.service.createWorkspace({ slug: 'gamma' }); // nothing enabled
    app = await buildApp(host);
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = new URL(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/mcp`);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lists and reads resources under neonhub-plugin://<plugin-id>/ and prompts as <plugin-id>__<name>', async () => {
    const { client } = await connectHttp(url, await tokenFor('alpha'));
    const uris = (await client.listResources()).resources.map((r) => r.uri);
    expect(uris).toEqual(
      expect.arrayContaining(['neonhub-plugin://ws-echo/echo://docs/readme', 'neonhub-plugin://ws-echo-http/echo://docs/readme']),
    );
    const read = await client.readResource({ uri: 'neonhub-plugin://ws-echo/echo://docs/readme' });
    expect(read.contents).toEqual([
      { uri: 'neonhub-plugin://ws-echo/echo://docs/readme', mimeType: 'text/plain', text: 'ws-echo keeps notes per workspace.' },
    ]);
    const templates = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
    expect(templates).toContain('neonhub-plugin://ws-echo/echo://notes/{n}');
    const missing = await client.readResource({ uri: 'neonhub-plugin://ws-echo/echo://nope' }).catch((e: Error) => e);
    expect(String((missing as Error).message)).toContain('no resource echo://nope');

    const prompts = (await client.listPrompts()).prompts.map((p) => p.name);
    expect(prompts).toEqual(expect.arrayContaining(['ws-echo__greet', 'ws-echo-http__greet']));
    const greet = await client.getPrompt({ name: 'ws-echo-http__greet', arguments: { name: 'Ada' } });
    expect(greet.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Say hello to Ada.' } }]);
    const noArg = await client.getPrompt({ name: 'ws-echo__greet', arguments: {} }).catch((e: Error) => e);
    expect(String((noArg as Error).message)).toContain('NH_MCP_PROMPT_ARGUMENT_MISSING');
    await client.close();
  });

  it("passes the server's resources/list_changed on to the clients of workspaces where it is enabled", async () => {
    const { client } = await connectHttp(url, await tokenFor('beta'));
    let changed = 0;
    client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
      changed++;
    });
    await call('alpha', 'ws-echo:note_add', { text: 'a note that changes the resource list' });
    const until = Date.now() + 10_000;
    while (changed === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    expect(changed).toBeGreaterThan(0);
    await client.close();
  });

  it('offers none of them in a workspace where the plugins are not enabled', async () => {
    const { client } = await connectHttp(url, await tokenFor('gamma'));
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(['neonhub://workspace/gamma/about']);
    expect((await client.listResourceTemplates()).resourceTemplates).toEqual([]);
    expect((await client.listPrompts()).prompts).toEqual([]);
    const read = await client.readResource({ uri: 'neonhub-plugin://ws-echo/echo://docs/readme' }).catch((e: Error) => e);
    expect(String((read as Error).message)).toContain('NH_MCP_RESOURCE_NOT_FOUND');
    const prompt = await client.getPrompt({ name: 'ws-echo__greet', arguments: { name: 'Ada' } }).catch((e: Error) => e);
    expect(String((prompt as Error).message)).toContain('NH_MCP_PROMPT_NOT_FOUND');
    await client.close();
  });
});

describe("the SDK's workspace test for MCP server authors (checkMcpWorkspaceIsolation)", () => {
  it('passes the third-party fixture, spoken to directly over stdio as the host would', async () => {
    const client = new Client({ name: 'isolation-check', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: ['stdio.mjs'], cwd: echoFixture, stderr: 'pipe' }));
    try {
      const problems = await checkMcpWorkspaceIsolation(client, {
        write: (marker) => ({ name: 'note_add', arguments: { text: marker } }),
        read: () => ({ name: 'note_list', arguments: {} }),
      });
      expect(problems).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
