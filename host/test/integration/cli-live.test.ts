import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neonhubBin as bin } from '../cli-bin.js';
import { COMMAND_GUARD_MS, cliRoot, neonhubIn, TEST_GUARD_MS, tokenLifecycle } from './cli-helpers.js';
import { removeRoot } from './helpers.js';

/** The `neonhub` CLI beside a running `neonhub start` (on the embedded database alone: cli.test.ts, cli-tokens.test.ts). */
let root: string;
const neonhub = (...args: string[]) => neonhubIn(root, ...args);

beforeAll(async () => {
  root = await cliRoot('cli-live');
}, COMMAND_GUARD_MS);

afterAll(() => removeRoot(root));

describe('the neonhub CLI', () => {
  it(
    'while `neonhub start` holds the embedded database, commands go through its HTTP API',
    async () => {
      const env = { ...process.env, NEONHUB_ROOT: root, NEONHUB_DATA_DIR: '.neonhub', PORT: '0', LOG_LEVEL: 'error', NO_COLOR: '1' };
      const server = spawn(process.execPath, [bin, 'start'], { env, stdio: 'ignore' });
      try {
        const pidFile = join(root, '.neonhub/neonhub.pid');
        const until = Date.now() + COMMAND_GUARD_MS;
        while (!(existsSync(pidFile) && readFileSync(pidFile, 'utf8').includes('"url"'))) {
          if (Date.now() > until) throw new Error('neonhub start did not come up');
          await new Promise((r) => setTimeout(r, 200));
        }
        const created = neonhub('workspace', 'create', 'live');
        expect(created.code).toBe(0);
        expect(neonhub('plugin', 'enable', 'rt-other', '--workspace', 'live').code).toBe(0);
        const r = neonhub('call', 'rt-other:ping', '--workspace', 'live', '--input', '{"n":7}');
        expect(r.code).toBe(0);
        expect(JSON.parse(r.stdout)).toEqual({ pong: 7 });
        const bad = neonhub('call', 'rt-other:ping', '--workspace', 'live', '--input', '{"n":"x"}');
        expect(bad.code).toBe(2);
        expect(bad.stderr).toContain('NH_TOOL_INPUT_INVALID');
        // Tokens too: created, listed and revoked through the host, which refuses a revoked token at once.
        const url = (JSON.parse(readFileSync(pidFile, 'utf8')) as { url: string }).url;
        await tokenLifecycle(root, 'live', async (secret, state) => {
          // the token is a viewer's: a route a viewer may read (listing tokens needs admin)
          const res = await fetch(`${url}/api/workspaces/live/tools`, { headers: { authorization: `Bearer ${secret}` } });
          expect(res.status).toBe(state === 'active' ? 200 : 401);
          if (state === 'revoked') expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NH_AUTH_TOKEN_INVALID');
        });
      } finally {
        server.kill('SIGTERM');
        await new Promise((r) => server.once('exit', r));
      }
    },
    TEST_GUARD_MS,
  );
});
