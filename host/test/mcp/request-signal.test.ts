import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWithOwnSignal, requestsUnder } from '../../src/mcp/request-signal.js';

/**
 * The fetch the host's MCP clients give the SDK's Streamable HTTP transport (which passes one signal to every
 * request): the shared signal has one listener however many requests went or go under it, and a request counts as
 * under it (aborted by it) until its body has been read. Real HTTP on a local port, real fetch.
 */
let server: Server;
let base: string;
/** Open event streams, ended by the tests. */
const streams = new Set<import('node:http').ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/missing') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no such thing');
      } else if (req.url === '/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n');
        streams.add(res);
      } else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of streams) s.destroy();
  await new Promise((r) => server.close(r));
});

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe('fetchWithOwnSignal', () => {
  it('keeps one listener on the shared signal through 400 requests, 16 at a time, and none of them under it once read', async () => {
    const shared = new AbortController();
    const f = fetchWithOwnSignal();
    let next = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next++ < 400) {
          const res = await f(`${base}/rpc`, { method: 'POST', body: '{}', signal: shared.signal });
          most = Math.max(most, requestsUnder(shared.signal));
          expect(listeners(shared.signal)).toBe(1);
          expect(await res.json()).toEqual({ ok: true });
        }
      }),
    );
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(16);
    expect(requestsUnder(shared.signal)).toBe(0);
    expect(listeners(shared.signal)).toBe(1);
  });

  it('keeps an event stream abortable by the shared signal while it is read, and unlinks it then', async () => {
    const shared = new AbortController();
    const res = await fetchWithOwnSignal()(`${base}/events`, { signal: shared.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: first\n\n');
    expect(requestsUnder(shared.signal)).toBe(1);
    shared.abort(new Error('transport closed'));
    await expect(reader.read()).rejects.toThrow();
    expect(requestsUnder(shared.signal)).toBe(0);
    expect(listeners(shared.signal)).toBe(0); // once: gone with the abort
  });

  it('unlinks a stream its reader cancels', async () => {
    const shared = new AbortController();
    const res = await fetchWithOwnSignal()(`${base}/events`, { signal: shared.signal });
    expect(requestsUnder(shared.signal)).toBe(1);
    await res.body!.cancel();
    expect(requestsUnder(shared.signal)).toBe(0);
  });

  it('returns an error response as it is, unlinked at once', async () => {
    const shared = new AbortController();
    const res = await fetchWithOwnSignal()(`${base}/missing`, { signal: shared.signal });
    expect(requestsUnder(shared.signal)).toBe(0);
    expect(res.status).toBe(404);
    expect(res.url).toBe(`${base}/missing`);
    expect(await res.text()).toBe('no such thing');
  });

  it('refuses at once under a signal already aborted, leaving no listener', async () => {
    const shared = new AbortController();
    shared.abort(new Error('closed before'));
    await expect(fetchWithOwnSignal()(`${base}/rpc`, { method: 'POST', body: '{}', signal: shared.signal })).rejects.toThrow();
    expect(listeners(shared.signal)).toBe(0);
  });
});
