import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neonhubBin as bin } from '../cli-bin.js';
import { lockRoot, makeRoot, removeRoot, runtimeFixtures } from './helpers.js';

let root: string;

/**
 * Hang guards, not budgets: each command is a Node process that opens the embedded database (WASM), seconds of CPU;
 * on a loaded 2-core CI machine one took ~20 s and a test of eight of them over 170 s.
 */
const COMMAND_GUARD_MS = 240_000;
const TEST_GUARD_MS = 900_000;

function neonhub(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NEONHUB_ROOT: root, NEONHUB_DATA_DIR: '.neonhub', LOG_LEVEL: 'error', FORCE_COLOR: '0', NO_COLOR: '1' },
    timeout: COMMAND_GUARD_MS,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  root = makeRoot('cli', [{ from: join(runtimeFixtures, 'rt-other') }]);
  await lockRoot(root);
}, COMMAND_GUARD_MS);

afterAll(() => removeRoot(root));

/**
 * `token create`, `list`, `revoke` in a workspace: the secret is printed once and never listed; a revoked token
 * is listed only with --all; revoking it again exits 2 with its code. `use` is called with the secret while it
 * is active, then once revoked.
 */
async function tokenLifecycle(ws: string, use: (secret: string, state: 'active' | 'revoked') => Promise<void> = async () => {}) {
  const created = neonhub('token', 'create', '-w', ws, '--role', 'viewer', '--name', 'cursor');
  expect(created.code, created.stderr).toBe(0);
  const id = /\(id ([0-9a-f-]{36})\)/.exec(created.stdout)![1]!;
  const secret = /(nh_[A-Za-z0-9_-]{43})/.exec(created.stdout)![1]!;
  const listed = neonhub('token', 'list', '-w', ws, '--json');
  expect(listed.code).toBe(0);
  expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id, name: 'cursor', role: 'viewer', revokedAt: null })]);
  expect(listed.stdout).not.toContain(secret);
  expect(listed.stdout).not.toContain('tokenHash');
  expect(neonhub('token', 'list', '-w', ws).stdout).toMatch(new RegExp(`${id}\\s+cursor\\s+viewer\\s.*\\sactive`));
  await use(secret, 'active');

  const revoked = neonhub('token', 'revoke', id, '-w', ws);
  expect(revoked.code, revoked.stderr).toBe(0);
  expect(neonhub('token', 'list', '-w', ws).stdout).toMatch(/no API tokens/);
  expect(neonhub('token', 'list', '-w', ws, '--all').stdout).toMatch(new RegExp(`${id}\\s+cursor\\s+viewer\\s.*\\srevoked \\d{4}-`));
  await use(secret, 'revoked');
  const again = neonhub('token', 'revoke', id, '-w', ws);
  expect(again.code).toBe(2);
  expect(again.stderr).toContain('NH_AUTH_TOKEN_NOT_FOUND');
}

describe('the neonhub CLI', () => {
  it(
    'creates and lists workspaces; a duplicate exits 2 with its code',
    () => {
      expect(neonhub('workspace', 'create', 'acme', '--name', 'Acme Inc').code).toBe(0);
      const dup = neonhub('workspace', 'create', 'acme');
      expect(dup.code).toBe(2);
      expect(dup.stderr).toContain('NH_WORKSPACE_EXISTS');
      const list = neonhub('workspace', 'list', '--json');
      expect(JSON.parse(list.stdout).map((w: { slug: string }) => w.slug)).toEqual(['acme']);
    },
    TEST_GUARD_MS,
  );

  it(
    'enables a plugin and calls a tool through the pipeline',
    () => {
      expect(neonhub('plugin', 'enable', 'rt-other', '--workspace', 'acme').code).toBe(0);
      const r = neonhub('call', 'rt-other:ping', '--workspace', 'acme', '--input', '{"n":41}');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ pong: 41 });
    },
    TEST_GUARD_MS,
  );

  it(
    'creates, lists and revokes API tokens; the secret is printed once and never listed',
    async () => {
      await tokenLifecycle('acme');
      const nowhere = neonhub('token', 'list', '-w', 'nowhere');
      expect(nowhere.code).toBe(2);
      expect(nowhere.stderr).toMatch(/NH_WORKSPACE_NOT_FOUND/);
    },
    TEST_GUARD_MS,
  );

  it(
    'rejects bad input with a coded error and a non-zero exit, never a stack trace',
    () => {
      const badJson = neonhub('call', 'rt-other:ping', '--workspace', 'acme', '--input', '{nope');
      expect(badJson.code).toBe(2);
      expect(badJson.stderr).toMatch(/^error NH_REQUEST_INVALID: --input is not valid JSON/m);
      const badInput = neonhub('call', 'rt-other:ping', '--workspace', 'acme', '--input', '{"n":"x"}');
      expect(badInput.code).toBe(2);
      expect(badInput.stderr).toContain('NH_TOOL_INPUT_INVALID');
      const notEnabled = neonhub('call', 'rt-other:ping', '--workspace', 'nowhere', '--input', '{"n":1}');
      expect(notEnabled.stderr).toContain('NH_WORKSPACE_NOT_FOUND');
      expect(`${badJson.stderr}${badInput.stderr}${notEnabled.stderr}`).not.toMatch(/\n\s+at /);
    },
    TEST_GUARD_MS,
  );

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
        await tokenLifecycle('live', async (secret, state) => {
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

  it(
    'verifies plugins against the lock, and fails naming the changed plugin',
    () => {
      expect(neonhub('plugin', 'verify').code).toBe(0);
      const file = join(root, 'plugins/rt-other/src/index.ts');
      writeFileSync(file, `${readFileSync(file, 'utf8')}\n// changed\n`);
      const r = neonhub('plugin', 'verify');
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/rt-other: NH_PLUGIN_LOCK_MISMATCH/);
      const check = neonhub('plugin', 'lock', '--check');
      expect(check.code).toBe(1);
      expect(check.stdout).toContain('rt-other');
    },
    TEST_GUARD_MS,
  );
});
