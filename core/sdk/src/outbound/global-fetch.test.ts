import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Importing the outbound guard leaves the process's global `fetch` as Node made it: a plain `fetch` that sets its own
 * Content-Length (the Stripe client does, and so may an in-process plugin or any library) still goes out. undici 7,
 * which the guard uses, would otherwise take Node's global dispatcher slot when loaded and fail it with "invalid
 * content-length header". Checked in a child process of its own: the test runner's own imports (and the shared
 * workers' setup) must not decide who fills the slot first.
 */
let server: Server;
let url: string;
const received: { length: string | undefined; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      received.push({ length: req.headers['content-length'], body });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const outbound = fileURLToPath(new URL('./index.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** In a fresh Node: import `module` (the guard, or nothing), then POST with an explicit Content-Length; prints the outcome. */
async function postAfterImporting(module: string | null): Promise<string> {
  const script = `
    ${module ? `await import(${JSON.stringify(module)});` : ''}
    const body = JSON.stringify({ hello: 'world' });
    try {
      const r = await fetch(${JSON.stringify(url)}, { method: 'POST', body, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } });
      console.log('status ' + r.status + ' ' + (await r.text()));
    } catch (e) {
      console.log('failed: ' + e.message + (e.cause ? ' (' + e.cause.message + ')' : ''));
    }`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
    timeout: 60_000,
  });
  return stdout.trim();
}

describe('the global fetch in a process that imports @neonhub/sdk/outbound', () => {
  it('still sends a request that sets its own Content-Length', async () => {
    expect(await postAfterImporting(null)).toBe('status 200 ok'); // the baseline: Node's fetch alone
    expect(await postAfterImporting(outbound)).toBe('status 200 ok');
    expect(received).toEqual([
      { length: '17', body: '{"hello":"world"}' },
      { length: '17', body: '{"hello":"world"}' },
    ]);
  });

  it('and the guard, loaded in that process, still fetches through its own dispatcher', async () => {
    const script = `
      const { createOutboundGuard } = await import(${JSON.stringify(outbound)});
      const guard = createOutboundGuard({ allow: '127.0.0.1' });
      const r = await guard.fetch(${JSON.stringify(url)}, { method: 'POST', body: 'x', headers: { 'content-length': '1' } });
      console.log('status ' + r.status);
      const plain = await fetch(${JSON.stringify(url)}, { method: 'POST', body: 'y', headers: { 'content-length': '1' } });
      console.log('status ' + plain.status);
      await guard.close();`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      timeout: 60_000,
    });
    expect(stdout.trim().split('\n')).toEqual(['status 200', 'status 200']);
  });
});
