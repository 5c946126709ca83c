import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockRoot, makeRoot, removeRoot, repoPlugin, runtimeFixtures } from '../integration/helpers.js';
import { bin, cliEnv, neonhubIn, startHost } from './cli-harness.js';

/**
 * Issue 13 item 6, each as the CLI answers it: the code, the message and the exit status; first with the
 * embedded database opened by the command itself, then through a running `neonhub start`.
 */
const repo = resolve(import.meta.dirname, '../../..');
const RUN_PLUGINS = ['agent-content', 'agent-email', 'connector-email-sandbox'];
let root: string;
const neonhub = (...args: string[]) => neonhubIn(root, args);

beforeAll(async () => {
  root = makeRoot('cli-wrongs', [
    { from: join(runtimeFixtures, 'rt-other') },
    { from: repoPlugin('data-trust'), link: true },
    ...RUN_PLUGINS.map((id) => ({ from: repoPlugin(id), link: true })),
  ]);
  await lockRoot(root);
  expect(neonhub('workspace', 'create', 'acme').code).toBe(0);
  for (const id of ['data-trust', ...RUN_PLUGINS]) expect(neonhub('plugin', 'enable', id, '-w', 'acme').code).toBe(0);
  expect(neonhub('workspace', 'create', 'bare').code).toBe(0); // nothing enabled: no audit provider
}, 240_000);

afterAll(() => removeRoot(root));

const TOKEN_NOT_FOUND =
  'error NH_AUTH_TOKEN_NOT_FOUND: no active API token has the id nosuch in this workspace (`neonhub token list` shows the ids)';
const PLUGIN_NOT_FOUND = 'error NH_PLUGIN_NOT_FOUND: no installed plugin has the id nosuch (`neonhub plugin list` shows them)';

describe('the small wrongs of issue 13, without a running host', () => {
  it('token revoke of an id that is no token: NH_AUTH_TOKEN_NOT_FOUND, exit 2 (was NH_INTERNAL, exit 1)', () => {
    const r = neonhub('token', 'revoke', 'nosuch', '-w', 'acme');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(TOKEN_NOT_FOUND);
  }, 60_000);

  it('plugin disable of an unknown plugin: NH_PLUGIN_NOT_FOUND, exit 2 (was "✓ nosuch is disabled", exit 0)', () => {
    const r = neonhub('plugin', 'disable', 'nosuch', '-w', 'acme');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(PLUGIN_NOT_FOUND);
    expect(r.stdout).toBe('');
    const notEnabled = neonhub('plugin', 'disable', 'rt-other', '-w', 'acme');
    expect(notEnabled.code).toBe(0);
    expect(notEnabled.stdout.trim()).toBe('✓ rt-other was not enabled in acme');
  }, 60_000);

  it('--version prints the version and exits 0', () => {
    const version = (JSON.parse(readFileSync(join(repo, 'host/package.json'), 'utf8')) as { version: string }).version;
    for (const flag of ['--version', '-V']) {
      const r = neonhub(flag);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`neonhub ${version} (Node ${process.versions.node})\n`);
    }
  }, 60_000);

  it('neonhub mcp: errors say MCP error -32602 once, name tools the MCP way and carry the reason', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, 'mcp', '-w', 'acme'],
      env: cliEnv(root) as Record<string, string>,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'small-wrongs', version: '1.0.0' });
    await client.connect(transport);
    try {
      // plugins join in the background: wait for data-trust's tools
      const until = Date.now() + 90_000;
      while (!(await client.listTools()).tools.some((t) => t.name === 'data-trust__verify')) {
        if (Date.now() > until) throw new Error('data-trust never joined');
        await new Promise((r) => setTimeout(r, 500));
      }
      const wrongName = (await client.callTool({ name: 'data-trust:verify', arguments: {} }).catch((e: unknown) => e)) as McpError;
      expect(wrongName).toBeInstanceOf(McpError);
      expect(wrongName.message).toBe(
        'MCP error -32602: NH_TOOL_NOT_FOUND: no tool data-trust:verify in workspace acme (MCP tool names use __, not ":": call data-trust__verify)',
      );
      const bad = await client.callTool({ name: 'data-trust__verify', arguments: { publicKeyPem: '' } });
      expect(bad.isError).toBe(true);
      expect((bad.content as { text: string }[])[0]!.text).toBe(
        'NH_TOOL_INPUT_INVALID: input for data-trust:verify is invalid: publicKeyPem: Too small: expected string to have >=1 characters',
      );
    } finally {
      await client.close();
    }
  }, 180_000);

  it('audit verify works without a host (it opens the database itself)', () => {
    const r = neonhub('audit', 'verify', '-w', 'acme');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^✓ audit chain of acme is intact: \d+ entries/);
  }, 90_000);

  it("audit verify and export find the audit contract's provider: none enabled is NH_CONTRACT_MISSING, exit 2", () => {
    for (const args of [['verify'], ['export']]) {
      const r = neonhub('audit', ...args, '-w', 'bare');
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^error NH_CONTRACT_MISSING: no plugin enabled in bare provides the audit contract/);
      expect(r.stdout).toBe('');
    }
  }, 120_000);
});

describe('the small wrongs of issue 13, through a running host', () => {
  it('audit verify goes through the API (was NH_DATA_DIR_LOCKED); token revoke and plugin disable answer as without it', async () => {
    const host = await startHost(root);
    try {
      const audit = neonhub('audit', 'verify', '-w', 'acme');
      expect(audit.code, audit.stderr).toBe(0);
      expect(audit.stderr).not.toContain('NH_DATA_DIR_LOCKED');
      expect(audit.stdout).toMatch(/^✓ audit chain of acme is intact: \d+ entries/);
      const exported = neonhub('audit', 'export', '-w', 'acme');
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout.trim().split('\n').length).toBeGreaterThan(0);
      const bare = neonhub('audit', 'verify', '-w', 'bare');
      expect(bare.code, bare.stderr).toBe(2);
      expect(bare.stderr).toMatch(/^error NH_CONTRACT_MISSING: no plugin enabled in bare provides the audit contract/);

      const revoke = neonhub('token', 'revoke', 'nosuch', '-w', 'acme');
      expect(revoke.code).toBe(2);
      expect(revoke.stderr.trim()).toBe(TOKEN_NOT_FOUND);
      const disable = neonhub('plugin', 'disable', 'nosuch', '-w', 'acme');
      expect(disable.code).toBe(2);
      expect(disable.stderr.trim()).toBe(PLUGIN_NOT_FOUND);
    } finally {
      await host.stop();
    }
  }, 180_000);
});

describe("the README's commands (npx pnpm@10 --silent neonhub ...)", () => {
  // The README's own prefix, so the test follows what it tells people to type.
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const viaPnpm = (args: string[]) => {
    const r = spawnSync('npx', ['-y', 'pnpm@10.34.9', '--silent', 'neonhub', ...args], {
      cwd: repo,
      encoding: 'utf8',
      env: cliEnv(root, { NEONHUB_ROOT: root, NEONHUB_DATA_DIR: '.neonhub' }),
      timeout: 180_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it("the first commands' neonhub lines run it through pnpm with --silent", () => {
    const first = readme.slice(readme.indexOf('## Two commands'), readme.indexOf('## What is here'));
    const commands = first.split('\n').filter((l) => /^npx .*pnpm@10[.\d]*\b.*\bneonhub\b/.test(l));
    expect(commands.length).toBeGreaterThan(3);
    for (const line of commands) expect(line).toMatch(/^npx -y pnpm@10\.34\.9 --silent neonhub /);
  });

  it('--json output is only JSON (no pnpm banner)', () => {
    const r = viaPnpm(['workspace', 'list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).map((w: { slug: string }) => w.slug)).toEqual(['acme', 'bare']);
  }, 180_000);

  it('a run that stops for approval exits 3 without ELIFECYCLE, its progress lines in time order', () => {
    const r = viaPnpm(['run', 'announce our spring sale by email', '-w', 'acme', '--to', 'ada@example.com']);
    expect(r.code, r.stderr).toBe(3);
    const all = `${r.stdout}\n${r.stderr}`;
    expect(all).not.toMatch(/ELIFECYCLE|Command failed/);
    expect(all).toMatch(/neonhub approve [0-9a-f-]{36} send_email --workspace acme/);
    const clock = [...r.stdout.matchAll(/^(\d\d:\d\d:\d\d) /gm)].map((m) => m[1]!);
    expect(clock.length).toBeGreaterThan(4);
    expect(clock).toEqual([...clock].sort());
  }, 240_000);
});
