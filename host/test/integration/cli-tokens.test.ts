import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_GUARD_MS, cliRoot, neonhubIn, TEST_GUARD_MS, tokenLifecycle } from './cli-helpers.js';
import { removeRoot } from './helpers.js';

/** API tokens through the `neonhub` CLI on the embedded database (through a running host: cli-live.test.ts). */
let root: string;

beforeAll(async () => {
  root = await cliRoot('cli-tokens');
  const created = neonhubIn(root, 'workspace', 'create', 'acme', '--name', 'Acme Inc');
  expect(created.code, created.stderr).toBe(0);
}, COMMAND_GUARD_MS);

afterAll(() => removeRoot(root));

describe('the neonhub CLI', () => {
  it(
    'creates, lists and revokes API tokens; the secret is printed once and never listed',
    async () => {
      await tokenLifecycle(root, 'acme');
      const nowhere = neonhubIn(root, 'token', 'list', '-w', 'nowhere');
      expect(nowhere.code).toBe(2);
      expect(nowhere.stderr).toMatch(/NH_WORKSPACE_NOT_FOUND/);
    },
    TEST_GUARD_MS,
  );
});
