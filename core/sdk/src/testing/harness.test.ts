import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PluginManifestSchema } from '@neonhub/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePlugin, defineTool } from '../define.js';
import { createHarness } from './harness.js';

let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: req.url, key: req.headers['idempotency-key'] ?? null }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const add = defineTool({
  name: 'add',
  description: 'Adds two numbers and logs the sum.',
  sideEffect: 'none',
  input: z.object({ a: z.number(), b: z.number() }),
  output: z.object({ sum: z.number() }),
  run({ a, b }, ctx) {
    ctx.logger.info({ a, b }, 'adding');
    return { sum: a + b };
  },
});
const broken = defineTool({
  name: 'broken',
  description: 'Returns output that does not match its schema.',
  sideEffect: 'none',
  input: z.object({}),
  output: z.object({ n: z.number() }),
  run: () => ({ n: 'not a number' }) as unknown as { n: number },
});
const post = defineTool({
  name: 'post',
  description: 'Posts to a URL with the idempotency key, using a secret.',
  sideEffect: 'external',
  input: z.object({ url: z.string(), secret: z.string() }),
  output: z.object({ status: z.number(), body: z.unknown(), secret: z.string().nullable(), key: z.string(), callId: z.string() }),
  async run({ url, secret }, ctx) {
    const value = await ctx.secrets.get(secret);
    const res = await ctx.fetch(url, { method: 'POST', headers: { 'idempotency-key': ctx.idempotencyKey } });
    return { status: res.status, body: await res.json(), secret: value ?? null, key: ctx.idempotencyKey, callId: ctx.callId };
  },
});
const slow = defineTool({
  name: 'slow',
  description: 'Waits until aborted.',
  sideEffect: 'none',
  timeoutMs: 50,
  input: z.object({}),
  output: z.object({ aborted: z.boolean() }),
  run: (_i, ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve({ aborted: true }))),
});
const delegate = defineTool({
  name: 'delegate',
  description: 'Calls another tool through ctx.callTool.',
  sideEffect: 'none',
  input: z.object({}),
  output: z.object({ got: z.unknown() }),
  run: async (_i, ctx) => ({ got: await ctx.callTool('other:tool', { x: 1 }) }),
});

const plugin = definePlugin({
  id: 'demo',
  tools: [add, broken, post, slow, delegate],
  hooks: {
    beforeToolCall(event, ctx) {
      ctx.logger.warn({ tool: event.tool }, 'checking');
      return event.sideEffect === 'external' ? { action: 'approval', reason: `approve ${event.tool}` } : { action: 'allow' };
    },
  },
});

const manifest = () =>
  PluginManifestSchema.parse({
    id: 'demo',
    version: '0.1.0',
    kind: 'capability',
    description: 'demo',
    host: '^0.2.0',
    runtime: { type: 'module', entry: 'src/index.ts' },
    secrets: [{ name: 'API_KEY', description: 'key' }, { name: 'UNSET' }],
    network: { hosts: [`127.0.0.1:${port}`] },
    hooks: [{ event: 'beforeToolCall' }],
  });

describe('createHarness', () => {
  it('validates input and returns validated output, capturing log lines with the call id', async () => {
    const h = createHarness(plugin);
    await expect(h.call('add', { a: 2, b: 3 })).resolves.toEqual({ sum: 5 });
    expect(h.logs).toEqual([{ level: 'info', msg: 'adding', fields: { a: 2, b: 3 }, callId: h.calls[0]!.callId }]);
    const err = (await h.call('add', { a: 'x' }).catch((e) => e)) as { details: { issues: Array<{ path: unknown[] }> } };
    expect(err).toMatchObject({ code: 'NH_SDK_INPUT_INVALID', details: { tool: 'add' } });
    expect(err.details.issues.map((i) => i.path)).toEqual([['a'], ['b']]);
    expect(h.calls).toHaveLength(1);
  });

  it('refuses output that does not match the schema, and unknown tools', async () => {
    const h = createHarness(plugin);
    await expect(h.call('broken', {})).rejects.toMatchObject({ code: 'NH_SDK_OUTPUT_INVALID', details: { tool: 'broken' } });
    await expect(h.call('nope', {})).rejects.toMatchObject({
      code: 'NH_SDK_TOOL_UNKNOWN',
      details: { tools: ['add', 'broken', 'post', 'slow', 'delegate'] },
    });
  });

  it('fetches only declared hosts, hands out declared secrets, and keeps a given idempotency key', async () => {
    const h = createHarness(plugin, { manifest: manifest(), secrets: { API_KEY: 's3cret', OTHER: 'x' } });
    const out = (await h.call('post', { url: `http://127.0.0.1:${port}/hook`, secret: 'API_KEY' }, { idempotencyKey: 'retry-1' })) as {
      body: unknown;
      secret: string;
      key: string;
      callId: string;
    };
    expect(out).toMatchObject({ status: 200, body: { path: '/hook', key: 'retry-1' }, secret: 's3cret', key: 'retry-1' });
    await expect(h.call('post', { url: `http://127.0.0.1:${port}/`, secret: 'UNSET' })).resolves.toMatchObject({ secret: null });
    await expect(h.call('post', { url: `http://127.0.0.1:${port}/`, secret: 'OTHER' })).rejects.toMatchObject({
      code: 'NH_SDK_SECRET_UNDECLARED',
    });
    await expect(h.call('post', { url: 'http://example.com/', secret: 'API_KEY' })).rejects.toMatchObject({
      code: 'NH_SDK_HOST_NOT_ALLOWED',
    });
    const ids = h.calls.map((c) => c.callId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(h.calls[1]!.idempotencyKey).not.toBe('retry-1');
  });

  it('without a manifest refuses every host and treats the given secret names as declared', async () => {
    const h = createHarness(plugin, { secrets: { API_KEY: 'k' } });
    await expect(h.call('post', { url: `http://127.0.0.1:${port}/`, secret: 'API_KEY' })).rejects.toMatchObject({
      code: 'NH_SDK_HOST_NOT_ALLOWED',
    });
    await expect(h.context.secrets.get('API_KEY')).resolves.toBe('k');
    await expect(h.context.secrets.get('NOPE')).rejects.toMatchObject({ code: 'NH_SDK_SECRET_UNDECLARED' });
  });

  it('stops a tool past its timeoutMs and aborts its signal', async () => {
    const h = createHarness(plugin);
    await expect(h.call('slow', {})).rejects.toMatchObject({ code: 'NH_SDK_TOOL_TIMEOUT', details: { timeoutMs: 50 } });
    const outer = new AbortController();
    const pending = h.call('slow', {}, { signal: outer.signal, timeoutMs: 5_000 });
    outer.abort();
    await expect(pending).resolves.toEqual({ aborted: true });
  });

  it('routes ctx.callTool to the stub, or refuses without one', async () => {
    await expect(createHarness(plugin).call('delegate', {})).rejects.toMatchObject({ code: 'NH_SDK_CALL_UNSUPPORTED' });
    const seen: unknown[] = [];
    const h = createHarness(plugin, {
      callTool: async (tool, input) => {
        seen.push([tool, input]);
        return { ok: true };
      },
    });
    await expect(h.call('delegate', {})).resolves.toEqual({ got: { ok: true } });
    expect(seen).toEqual([['other:tool', { x: 1 }]]);
  });

  it('runs hooks with a filled-in event', async () => {
    const h = createHarness(plugin, { workspace: { id: 'w1', slug: 'acme' } });
    await expect(h.hook('beforeToolCall', { tool: 'demo:post' })).resolves.toEqual({ action: 'approval', reason: 'approve demo:post' });
    await expect(h.hook('beforeToolCall', { tool: 'other:read', sideEffect: 'read' })).resolves.toEqual({ action: 'allow' });
    expect(h.logs.map((l) => l.fields)).toEqual([{ tool: 'demo:post' }, { tool: 'other:read' }]);
    await expect(h.hook('afterToolCall', { status: 'ok' })).rejects.toMatchObject({ code: 'NH_SDK_HOOK_UNDEFINED' });
  });
});
