import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { type PluginManifest, PluginManifestSchema } from '@neonhub/schemas';
import { servePlugin } from '@neonhub/sdk/serve';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtimes/index.js';
import otherPlugin from '../fixtures/runtime-plugins/rt-other/src/index.js';
import { fixture, invocation, memoryLogger, tempDir, waitFor } from './helpers.js';

describe('mcp-stdio: @modelcontextprotocol/server-memory', () => {
  const memory = fixture('memory');
  const memoryFile = join(tempDir('nh-memory-'), 'memory.jsonl');
  const { logger } = memoryLogger();
  const saved = process.env.MEMORY_FILE_PATH;
  process.env.MEMORY_FILE_PATH = memoryFile;
  const rt = createRuntime({ ...memory, cacheDir: tempDir(), logger, isolation: 'isolated', backoff: { baseMs: 10 } });

  beforeAll(() => rt.start());
  afterAll(async () => {
    await rt.stop();
    if (saved === undefined) delete process.env.MEMORY_FILE_PATH;
    else process.env.MEMORY_FILE_PATH = saved;
  });

  it('lists its tools with side effects from their annotations', async () => {
    expect(rt.kind).toBe('mcp-stdio');
    const tools = await rt.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['create_entities', 'read_graph', 'search_nodes']));
    expect(tools.find((t) => t.name === 'read_graph')?.sideEffect).toBe('read');
    expect(tools.find((t) => t.name === 'create_entities')?.sideEffect).toBe('write');
  });

  it('creates entities and reads them back, in the file named by the allowlisted env', async () => {
    const entity = { name: 'Spring sale', entityType: 'campaign', observations: ['starts in March'] };
    await rt.invoke(invocation('create_entities', { entities: [entity] }));
    const graph = (await rt.invoke(invocation('read_graph', {}))) as { entities: unknown[] };
    expect(graph.entities).toEqual([expect.objectContaining(entity)]);
    expect(existsSync(memoryFile)).toBe(true);
    expect(readFileSync(memoryFile, 'utf8')).toContain('Spring sale');
  });

  it('maps a tool error result to NH_TOOL_FAILED', async () => {
    await expect(
      rt.invoke(invocation('add_observations', { observations: [{ entityName: 'nobody', contents: ['x'] }] })),
    ).rejects.toMatchObject({
      code: 'NH_TOOL_FAILED',
      details: { plugin: 'mcp-memory', tool: 'add_observations' },
    });
  });

  it('is supervised: a killed server is restarted', async () => {
    const pid = rt.stats?.().pid;
    expect(pid).toBeTypeOf('number');
    process.kill(pid!, 'SIGKILL');
    await waitFor(() => rt.stats?.().crashes === 1 && rt.status === 'ready', 10_000, 'restart');
    expect(((await rt.invoke(invocation('read_graph', {}))) as { entities: unknown[] }).entities).toHaveLength(1);
  });
});

describe('mcp-http: a Streamable HTTP server on an ephemeral port, with a bearer token', () => {
  const token = `tok-${randomUUID()}`;
  const { logger } = memoryLogger();
  let http: Server;
  let manifest: PluginManifest;
  const seenAuth: (string | undefined)[] = [];
  let rt: ReturnType<typeof createRuntime>;

  beforeAll(async () => {
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
        await servePlugin(otherPlugin, { transport: created, version: '0.1.0' });
        transport = created;
      }
      await transport.handleRequest(req, res);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    manifest = PluginManifestSchema.parse({
      id: 'remote-other',
      version: '0.1.0',
      kind: 'connector',
      description: 'rt-other served over Streamable HTTP',
      host: '^0.2.0',
      secrets: [{ name: 'REMOTE_TOKEN' }],
      runtime: { type: 'mcp-http', url: `http://127.0.0.1:${port}/mcp`, bearerSecret: 'REMOTE_TOKEN' },
    });
    rt = createRuntime({
      manifest,
      dir: tempDir(),
      cacheDir: tempDir(),
      logger,
      isolation: 'isolated',
      resolveSecret: async (name) => (name === 'REMOTE_TOKEN' ? token : undefined),
      outboundAllow: ['127.0.0.1'], // a local server passes the outbound guard only when allow-listed
    });
    await rt.start();
  });
  afterAll(async () => {
    await rt?.stop();
    http?.closeAllConnections();
    await new Promise((r) => http?.close(r));
  });

  it('lists and calls tools over HTTP, sending the bearer token', async () => {
    expect(rt.kind).toBe('mcp-http');
    expect(rt.status).toBe('ready');
    expect(await rt.listTools()).toEqual([expect.objectContaining({ name: 'ping', sideEffect: 'read' })]);
    const results = await Promise.all([1, 2, 3].map((n) => rt.invoke(invocation('ping', { n }))));
    expect(results).toEqual([{ pong: 1 }, { pong: 2 }, { pong: 3 }]);
    expect(seenAuth.length).toBeGreaterThan(0);
    expect(seenAuth.every((a) => a === `Bearer ${token}`)).toBe(true);
  });

  it('refuses to start without its bearer secret', async () => {
    const noSecret = createRuntime({ manifest, dir: tempDir(), cacheDir: tempDir(), logger, isolation: 'isolated' });
    await expect(noSecret.start()).rejects.toMatchObject({ code: 'NH_PLUGIN_LOAD_FAILED' });
  });

  it('reports an unreachable server as NH_PLUGIN_UNAVAILABLE', async () => {
    const gone = PluginManifestSchema.parse({ ...manifest, runtime: { type: 'mcp-http', url: 'http://127.0.0.1:9/mcp' } });
    const unreachable = createRuntime({
      manifest: gone,
      dir: tempDir(),
      cacheDir: tempDir(),
      logger,
      isolation: 'isolated',
      outboundAllow: ['127.0.0.1'],
    });
    await expect(unreachable.start()).rejects.toMatchObject({ code: 'NH_PLUGIN_UNAVAILABLE' });
  });

  it('refuses a server on a loopback address that NEONHUB_OUTBOUND_ALLOW does not name, before connecting', async () => {
    const before = seenAuth.length;
    const blocked = createRuntime({
      manifest,
      dir: tempDir(),
      cacheDir: tempDir(),
      logger,
      isolation: 'isolated',
      resolveSecret: async () => token,
    });
    const err = await blocked.start().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toMatchObject({ code: 'NH_PLUGIN_UNAVAILABLE' });
    expect(err?.message).toContain('refused: it is a loopback address');
    expect(seenAuth.length).toBe(before); // the token never reached it
  });
});
