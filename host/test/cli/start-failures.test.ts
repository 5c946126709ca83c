import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockRoot, makeRoot, removeRoot, runtimeFixtures } from '../integration/helpers.js';
import { neonhubIn } from './cli-harness.js';

let root: string;
let busy: Server;
let busyPort: number;
let closedPort: number;

const listen = () =>
  new Promise<Server>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
const portOf = (s: Server) => (s.address() as { port: number }).port;

beforeAll(async () => {
  root = makeRoot('cli-start', [{ from: join(runtimeFixtures, 'rt-other') }]);
  await lockRoot(root);
  busy = await listen();
  busyPort = portOf(busy);
  // A port nothing listens on: taken, then released.
  const tmp = await listen();
  closedPort = portOf(tmp);
  await new Promise((r) => tmp.close(r));
}, 60_000);

afterAll(() => {
  busy?.close();
  removeRoot(root);
});

describe('start and worker fail fast with one coded line', () => {
  it('start on a busy port exits 2 with NH_PORT_IN_USE before it boots anything, and releases the data directory', () => {
    const r = neonhubIn(root, ['start', '--port', String(busyPort)]);
    // exited by itself (the harness's hang guard would leave no exit code) ...
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `error NH_PORT_IN_USE: port ${busyPort} on 127.0.0.1 is in use by another process: stop it, or start on another port with \`neonhub start --port <n>\` (or PORT=<n>)`,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // ... from the preflight, not from a listen after a full boot (the same line): the embedded database was never
    // created. That is what "fails fast" means; a stopwatch here measured the machine's load, not the order.
    expect(existsSync(join(root, '.neonhub/pg'))).toBe(false);
    expect(existsSync(join(root, '.neonhub/neonhub.pid'))).toBe(false);
    // the lock is free: another command can open the embedded database at once
    expect(neonhubIn(root, ['workspace', 'list', '--json']).code).toBe(0);
  }, 60_000);

  it('a --port that is not a number is a coded user error', () => {
    const r = neonhubIn(root, ['start', '--port', 'http']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error NH_REQUEST_INVALID: --port http is not a port number (0 to 65535; 0 picks a free one)');
  }, 60_000);

  for (const command of [['start', '--port', '0'], ['worker']]) {
    it(`\`${command[0]}\` with an unreachable REDIS_URL exits 1 by itself with NH_REDIS_UNREACHABLE, no ECONNREFUSED traces`, () => {
      const r = neonhubIn(root, command, { env: { REDIS_URL: `redis://127.0.0.1:${closedPort}` } });
      // an exit code of its own (not the harness's hang guard), and the refusal as the reason (not a timer)
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(
        `error NH_REDIS_UNREACHABLE: Redis at 127.0.0.1:${closedPort} (REDIS_URL) is unreachable (ECONNREFUSED): start Redis there, fix REDIS_URL, or unset it to use the in-process queue`,
      );
      expect(existsSync(join(root, '.neonhub/neonhub.pid'))).toBe(false);
    }, 60_000);
  }
});
