import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtimes/index.js';
import type { PluginRuntime } from '../../src/runtimes/types.js';
import { fixture, invocation, memoryLogger, tempDir } from './helpers.js';

/**
 * ctx.fetch passes the workspace's outbound guard in both runtimes: a server on 127.0.0.1 (which the manifest's
 * network.hosts declares) is refused unless the workspace's allow-list names it, and receives nothing.
 */
const seen: IncomingMessage[] = [];
const server = createServer((req, res) => {
  seen.push(req);
  res.end('inside');
});
let port: number;
let closed: number;

const f = fixture('rt-outbound');
const { logger } = memoryLogger();
const runtimes: PluginRuntime[] = [
  createRuntime({ ...f, cacheDir: tempDir(), logger, isolation: 'in-process' }),
  createRuntime({ ...f, cacheDir: tempDir(), logger, isolation: 'isolated' }),
];

type Out = { status?: number; body?: string; code?: string; message?: string };
const fetchUrl = (rt: PluginRuntime, url: string, outboundAllow?: string[]) =>
  rt.invoke({ ...invocation('fetch_url', { url }, { timeoutMs: 10_000 }), ...(outboundAllow ? { outboundAllow } : {}) }) as Promise<Out>;

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closed = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  await Promise.all(runtimes.map((rt) => rt.start()));
}, 60_000);
afterAll(async () => {
  await Promise.all(runtimes.map((rt) => rt.stop()));
  await new Promise<void>((r) => server.close(() => r()));
});

describe.each(runtimes.map((rt) => [rt.kind, rt] as const))('ctx.fetch %s', (_kind, rt) => {
  it('refuses 127.0.0.1 and its other spellings by default; the server receives nothing', async () => {
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `http://2130706433:${port}/`,
      `http://0x7f.1:${port}/`,
      `http://0177.0.0.1:${port}/`,
      `http://localhost:${port}/`,
    ]) {
      expect(await fetchUrl(rt, url), url).toMatchObject({ code: 'NH_OUTBOUND_BLOCKED' });
    }
    expect(seen).toHaveLength(0);
  });

  it('reaches it when the workspace allow-lists the address and port', async () => {
    expect(await fetchUrl(rt, `http://127.0.0.1:${port}/ok`, [`127.0.0.1:${port}`])).toEqual({ status: 200, body: 'inside' });
    expect(seen.splice(0).map((r) => r.url)).toEqual(['/ok']);
    expect(await fetchUrl(rt, `http://127.0.0.1:${port}/`, [`127.0.0.1:${port + 1}`])).toMatchObject({ code: 'NH_OUTBOUND_BLOCKED' });
    expect(seen).toHaveLength(0);
  });

  it('answers the same for an open and a closed port', async () => {
    const open = await fetchUrl(rt, `http://127.0.0.1:${port}/`);
    const shut = await fetchUrl(rt, `http://127.0.0.1:${closed}/`);
    expect(shut).toEqual(open);
    const allowedShut = await fetchUrl(rt, `http://127.0.0.1:${closed}/`, [`127.0.0.1:${closed}`]);
    expect(allowedShut.code).toBe('NH_OUTBOUND_FAILED');
    expect(allowedShut.message).not.toMatch(/ECONN|errno/i);
    expect(seen).toHaveLength(0);
  });
});
