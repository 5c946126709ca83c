import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_GUARD_MS, cliRoot, neonhubIn, TEST_GUARD_MS } from './cli-helpers.js';
import { removeRoot } from './helpers.js';

/** Workspaces, plugins and tool calls through the `neonhub` CLI (tokens: cli-tokens.test.ts; beside a running host: cli-live.test.ts). */
let root: string;
const neonhub = (...args: string[]) => neonhubIn(root, ...args);

beforeAll(async () => {
  root = await cliRoot('cli');
}, COMMAND_GUARD_MS);

afterAll(() => removeRoot(root));

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
