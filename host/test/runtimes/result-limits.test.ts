import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { PluginManifestSchema } from '@neonhub/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtimes/index.js';
import { LineReader } from '../../src/runtimes/line-reader.js';
import type { PluginRuntime } from '../../src/runtimes/types.js';
import { fixture, invocation, memoryLogger, tempDir, waitFor } from './helpers.js';

const MiB = 1024 * 1024;
const failure = (p: Promise<unknown>) => p.then(() => undefined).catch((e: { code?: string; details?: Record<string, unknown> }) => e);

describe('LineReader', () => {
  it('splits lines across chunks and refuses a line as soon as it passes the limit', () => {
    const r = new LineReader(10);
    expect(r.push(Buffer.from('{"a"'))).toEqual({ lines: [] });
    expect(r.push(Buffer.from(':1}\n{"b":2}\r\n{'))).toEqual({ lines: ['{"a":1}', '{"b":2}'] });
    expect(r.push(Buffer.from('"c":3}\n'))).toEqual({ lines: ['{"c":3}'] });
    expect(r.push(Buffer.from('0123456789'))).toEqual({ lines: [] });
    expect(r.push(Buffer.from('a'))).toEqual({ lines: [], overflow: 11 });
    expect(new LineReader(4).push(Buffer.from('ok\n0123456789\n'))).toEqual({ lines: ['ok'], overflow: 10 });
  });
});

describe('mcp-stdio: a server sending back more than the limit (default 4 MiB)', () => {
  const { logger, records } = memoryLogger();
  let rt: PluginRuntime;
  beforeAll(async () => {
    rt = createRuntime({ ...fixture('rt-unruly'), cacheDir: tempDir(), logger, isolation: 'isolated', backoff: { baseMs: 10 } });
    await rt.start();
  }, 30_000);
  afterAll(() => rt?.stop());

  const restartedAndAnswering = async (restarts: number) => {
    await waitFor(() => rt.stats?.().restarts === restarts && rt.status !== 'restarting', 15_000, `restart ${restarts}`);
    expect(await rt.invoke(invocation('echo', { text: 'still here' }))).toEqual({ content: [{ type: 'text', text: 'still here' }] });
  };

  it('answers a result under the limit', async () => {
    const out = (await rt.invoke(invocation('big', { bytes: MiB }))) as { content: { text: string }[] };
    expect(out.content[0]!.text).toHaveLength(MiB);
  });

  it('a 20 MB result is NH_TOOL_RESULT_TOO_LARGE, the host stays up, the server is restarted', async () => {
    const err = await failure(rt.invoke(invocation('big', { bytes: 20 * MiB }, { timeoutMs: 30_000 })));
    expect(err).toMatchObject({ code: 'NH_TOOL_RESULT_TOO_LARGE', details: { plugin: 'rt-unruly', tool: 'big', limitBytes: 4 * MiB } });
    expect((err?.details?.receivedBytes as number) > 4 * MiB).toBe(true);
    await restartedAndAnswering(1);
  }, 60_000);

  it('a 1 GB line is cut off at the limit without being buffered', async () => {
    const rss = process.memoryUsage().rss;
    const started = performance.now();
    const err = await failure(rt.invoke(invocation('huge_line', { bytes: 1024 * MiB }, { timeoutMs: 60_000 })));
    const ms = performance.now() - started;
    expect(err).toMatchObject({ code: 'NH_TOOL_RESULT_TOO_LARGE', details: { tool: 'huge_line' } });
    // counted as it arrived: cut off just past 4 MiB, long before 1 GB
    expect(err?.details?.receivedBytes as number).toBeLessThan(6 * MiB);
    expect(process.memoryUsage().rss - rss).toBeLessThan(200 * MiB);
    console.info(`1 GB line: cut off after ${err?.details?.receivedBytes} bytes in ${ms.toFixed(0)} ms`);
    await restartedAndAnswering(2);
  }, 60_000);

  it('a server writing 20 MB without a newline is cut off and restarted', async () => {
    const err = await failure(rt.invoke(invocation('no_newline', { bytes: 20 * MiB }, { timeoutMs: 30_000 })));
    expect(err).toMatchObject({ code: 'NH_TOOL_RESULT_TOO_LARGE', details: { tool: 'no_newline' } });
    await restartedAndAnswering(3);
  }, 60_000);

  it('a server writing 64 MB to stderr without a newline is logged cut, not buffered', async () => {
    const rss = process.memoryUsage().rss;
    expect(await rt.invoke(invocation('stderr_flood', { bytes: 64 * MiB }, { timeoutMs: 60_000 }))).toEqual({
      content: [{ type: 'text', text: `wrote ${64 * MiB} bytes to stderr` }],
    });
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 * MiB);
    const cut = records.find((r) => typeof r.stderr === 'string' && r.stderr.includes('(cut at 16384 characters)'));
    expect((cut?.stderr as string | undefined)?.length).toBeLessThan(17_000);
  }, 60_000);

  it('a per-plugin limit applies (resultMaxBytes)', async () => {
    const small = createRuntime({ ...fixture('rt-unruly'), cacheDir: tempDir(), logger, isolation: 'isolated', resultMaxBytes: 64 * 1024 });
    await small.start();
    try {
      expect(await failure(small.invoke(invocation('big', { bytes: 100_000 })))).toMatchObject({
        code: 'NH_TOOL_RESULT_TOO_LARGE',
        details: { limitBytes: 64 * 1024 },
      });
      await waitFor(() => small.stats?.().restarts === 1 && small.status === 'ready', 15_000, 'restart');
      expect(await failure(small.invoke(invocation('big', { bytes: 50_000 })))).toBeUndefined();
    } finally {
      await small.stop();
    }
  }, 30_000);
});

describe('module plugins: the serialized result is measured', () => {
  const { logger } = memoryLogger();
  for (const isolation of ['in-process', 'isolated'] as const) {
    it(`${isolation}: a result over resultMaxBytes is NH_TOOL_RESULT_TOO_LARGE; a smaller one passes`, async () => {
      const rt = createRuntime({ ...fixture('rt-basic'), cacheDir: tempDir(), logger, isolation, resultMaxBytes: 32 * 1024 });
      await rt.start();
      try {
        expect(await failure(rt.invoke(invocation('echo', { text: 'x'.repeat(64 * 1024) })))).toMatchObject({
          code: 'NH_TOOL_RESULT_TOO_LARGE',
          details: { plugin: 'rt-basic', tool: 'echo', limitBytes: 32 * 1024 },
        });
        // an isolated plugin's stream was cut off: it is restarted before it answers again
        if (isolation === 'isolated') await waitFor(() => rt.stats?.().restarts === 1 && rt.status === 'ready', 15_000, 'restart');
        expect(await rt.invoke(invocation('echo', { text: 'short' }))).toMatchObject({ text: 'short' });
      } finally {
        await rt.stop();
      }
    }, 30_000);
  }
});

describe('mcp-http: the response body is capped', () => {
  const { logger } = memoryLogger();
  let http: HttpServer;
  let url: string;
  let streamed = 0;
  let streamEnded = false;
  const servers: Server[] = [];

  beforeAll(async () => {
    const transports = new Map<string, StreamableHTTPServerTransport>();
    http = createServer(async (req, res) => {
      const json = req.url?.startsWith('/json') ?? false;
      let body: unknown;
      if (req.method === 'POST') {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      }
      // a call to `huge`: a JSON body streamed 1 MiB at a time up to `bytes`, with backpressure, as a broken server would
      const call = body as { id?: number; method?: string; params?: { name?: string; arguments?: { bytes?: number } } } | undefined;
      if (call?.method === 'tools/call' && call.params?.name === 'huge') {
        res.writeHead(200, { 'content-type': 'application/json' });
        const write = (b: string | Buffer) => (res.write(b) ? Promise.resolve() : new Promise((r) => res.once('drain', r)));
        const chunk = Buffer.alloc(MiB, 'h');
        streamed = 0;
        streamEnded = false;
        await write(`{"jsonrpc":"2.0","id":${call.id},"result":{"content":[{"type":"text","text":"`);
        while (streamed < (call.params.arguments?.bytes ?? 0) && !res.destroyed) {
          await Promise.race([write(chunk), new Promise((r) => res.once('close', r))]);
          streamed += MiB;
        }
        if (!res.destroyed) res.end('"}]}}');
        streamEnded = true;
        return;
      }
      const sid = req.headers['mcp-session-id'];
      let transport = typeof sid === 'string' ? transports.get(sid) : undefined;
      if (!transport) {
        const created = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          enableJsonResponse: json,
          onsessioninitialized: (id) => void transports.set(id, created),
        });
        const server = new Server({ name: 'big-http', version: '1.0.0' }, { capabilities: { tools: {} } });
        server.setRequestHandler(ListToolsRequestSchema, async () => ({
          tools: [
            {
              name: 'big',
              description: 'Returns a result of the given size.',
              inputSchema: { type: 'object', properties: { bytes: { type: 'integer' } } },
              annotations: { readOnlyHint: true },
            },
            {
              name: 'huge',
              description: 'Streams a JSON body of the given size.',
              inputSchema: { type: 'object', properties: { bytes: { type: 'integer' } } },
              annotations: { readOnlyHint: true },
            },
          ],
        }));
        server.setRequestHandler(CallToolRequestSchema, async (r) => ({
          content: [{ type: 'text', text: 'x'.repeat(Number(r.params.arguments?.bytes ?? 0)) }],
        }));
        await server.connect(created);
        servers.push(server);
        transport = created;
      }
      await transport.handleRequest(req, res, body);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    http?.closeAllConnections();
    await new Promise((r) => http?.close(r));
  });

  for (const mode of ['json', 'sse'] as const) {
    it(`${mode} responses: 20 MB${mode === 'json' ? ' and a 1 GB stream are' : ' is'} NH_TOOL_RESULT_TOO_LARGE, the next call works`, async () => {
      const manifest = PluginManifestSchema.parse({
        id: `big-${mode}`,
        version: '1.0.0',
        kind: 'connector',
        description: 'a server with big results',
        host: '^0.2.0',
        runtime: { type: 'mcp-http', url: `${url}/${mode}` },
      });
      const rt = createRuntime({
        manifest,
        dir: tempDir(),
        cacheDir: tempDir(),
        logger,
        isolation: 'isolated',
        outboundAllow: ['127.0.0.1'],
      });
      await rt.start();
      try {
        expect(await failure(rt.invoke(invocation('big', { bytes: 20 * MiB }, { timeoutMs: 30_000 })))).toMatchObject({
          code: 'NH_TOOL_RESULT_TOO_LARGE',
          details: { plugin: `big-${mode}`, tool: 'big', limitBytes: 4 * MiB },
        });
        const ok = (await rt.invoke(invocation('big', { bytes: 1000 }))) as { content: { text: string }[] };
        expect(ok.content[0]!.text).toHaveLength(1000);
        if (mode === 'json') {
          // a 1 GB body is cut off as it arrives: the host reads a little past the limit, not 1 GB
          const rss = process.memoryUsage().rss;
          expect(await failure(rt.invoke(invocation('huge', { bytes: 1024 * MiB }, { timeoutMs: 60_000 })))).toMatchObject({
            code: 'NH_TOOL_RESULT_TOO_LARGE',
            details: { tool: 'huge' },
          });
          await waitFor(() => streamEnded, 10_000, 'the server to stop streaming');
          expect(streamed).toBeLessThan(200 * MiB);
          expect(process.memoryUsage().rss - rss).toBeLessThan(200 * MiB);
          console.info(`mcp-http 1 GB body: the server got to write ${streamed / MiB} MiB before the host hung up`);
        }
      } finally {
        await rt.stop();
      }
    }, 60_000);
  }
});
