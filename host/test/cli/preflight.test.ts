import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertPortFree, listenError, preflight } from '../../src/cli/preflight.js';

let busy: Server;
let port: number;
const dataDir = mkdtempSync(join(tmpdir(), 'nh-preflight-'));

beforeAll(async () => {
  busy = await new Promise<Server>((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => ok(s));
  });
  port = (busy.address() as { port: number }).port;
});
afterAll(() => {
  busy.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('start preflight', () => {
  it('a taken port is NH_PORT_IN_USE saying what to do; port 0 always passes', async () => {
    await expect(assertPortFree('127.0.0.1', port)).rejects.toMatchObject({
      code: 'NH_PORT_IN_USE',
      status: 409,
      category: 'user',
      message: `port ${port} on 127.0.0.1 is in use by another process: stop it, or start on another port with \`neonhub start --port <n>\` (or PORT=<n>)`,
    });
    await expect(assertPortFree('127.0.0.1', 0)).resolves.toBeUndefined();
  });

  it('when the port is NeonHub itself (the lock holder advertises it), the message says so', async () => {
    // a live process (this one's parent) holding the data directory at that address
    writeFileSync(
      join(dataDir, 'neonhub.pid'),
      JSON.stringify({ pid: process.ppid, purpose: 'neonhub start', url: `http://127.0.0.1:${port}` }),
    );
    await expect(assertPortFree('127.0.0.1', port, dataDir)).rejects.toMatchObject({
      code: 'NH_PORT_IN_USE',
      message: expect.stringContaining(`(NeonHub itself, process ${process.ppid}, already runs at http://127.0.0.1:${port})`),
    });
  });

  it('a listen error after the host booted becomes the same coded error; others pass through', () => {
    const inUse = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    expect(listenError(inUse, '127.0.0.1', 4400)).toMatchObject({ code: 'NH_PORT_IN_USE' });
    const denied = Object.assign(new Error('listen EACCES'), { code: 'EACCES' });
    expect(listenError(denied, '127.0.0.1', 80)).toMatchObject({
      code: 'NH_PORT_UNAVAILABLE',
      message: 'cannot listen on 127.0.0.1:80 (EACCES): ports below 1024 need privileges; use --port with a higher port',
    });
    expect(listenError(new Error('other'), '127.0.0.1', 1)).toBeUndefined();
  });

  it('a REDIS_URL whose server accepts but never answers is NH_REDIS_UNREACHABLE within seconds; a real Redis passes', async () => {
    // The check's own 3 s timer ended it (the message names it): a server that never answers cannot make it wait
    // longer. No stopwatch around it: on a loaded machine timers run late for reasons that are not the product's.
    await expect(preflight({ redisUrl: `redis://127.0.0.1:${port}` })).rejects.toMatchObject({
      code: 'NH_REDIS_UNREACHABLE',
      message: `Redis at 127.0.0.1:${port} (REDIS_URL) is unreachable (no answer within 3000 ms): start Redis there, fix REDIS_URL, or unset it to use the in-process queue`,
    });
    if (process.env.NEONHUB_TEST_REDIS_URL)
      await expect(preflight({ redisUrl: process.env.NEONHUB_TEST_REDIS_URL })).resolves.toBeUndefined();
  });
});
