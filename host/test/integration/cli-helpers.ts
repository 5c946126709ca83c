import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { neonhubBin as bin } from '../cli-bin.js';
import { lockRoot, makeRoot, runtimeFixtures } from './helpers.js';

/**
 * The `neonhub` CLI tests of this folder (cli.test.ts, cli-tokens.test.ts, cli-live.test.ts): one root each, so the
 * three files run in forks of their own side by side instead of one file's thirty-odd commands one after another.
 *
 * Hang guards, not budgets: each command is a Node process that opens the embedded database (WASM), seconds of CPU;
 * on a loaded 2-core CI machine one took ~20 s and a test of eight of them over 170 s.
 */
export const COMMAND_GUARD_MS = 240_000;
export const TEST_GUARD_MS = 900_000;

/** A root holding the rt-other fixture plugin, pinned (remove it with removeRoot in afterAll). */
export async function cliRoot(name: string): Promise<string> {
  const root = makeRoot(name, [{ from: join(runtimeFixtures, 'rt-other') }]);
  await lockRoot(root);
  return root;
}

/** Runs `neonhub ...args` in `root` to completion. */
export function neonhubIn(root: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NEONHUB_ROOT: root, NEONHUB_DATA_DIR: '.neonhub', LOG_LEVEL: 'error', FORCE_COLOR: '0', NO_COLOR: '1' },
    timeout: COMMAND_GUARD_MS,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `token create`, `list`, `revoke` in a workspace: the secret is printed once and never listed; a revoked token
 * is listed only with --all; revoking it again exits 2 with its code. `use` is called with the secret while it
 * is active, then once revoked.
 */
export async function tokenLifecycle(
  root: string,
  ws: string,
  use: (secret: string, state: 'active' | 'revoked') => Promise<void> = async () => {},
) {
  const neonhub = (...args: string[]) => neonhubIn(root, ...args);
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
