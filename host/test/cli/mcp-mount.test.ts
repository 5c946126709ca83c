import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitArgs } from '../../src/cli/commands/plugin-mount.js';
import { mountId, mountManifest } from '../../src/plugins/mcp-mount.js';
import { makeRoot, removeRoot } from '../integration/helpers.js';
import { neonhubIn } from './cli-harness.js';

/**
 * `plugin install <an npm MCP server>`: a package without plugin.json that npx can run is offered as an
 * mcp-stdio plugin (generated manifest, the server's arguments from --arg, HOME passed for npx's cache). Like
 * every install it runs nothing; `plugin lock` starts it once to list and pin its tools. Uses the npm registry
 * and the real @modelcontextprotocol/server-everything.
 */
const SPEC = '@modelcontextprotocol/server-everything@2026.8.31';
let root: string;
const neonhub = (...args: string[]) => neonhubIn(root, args);

beforeAll(() => {
  root = makeRoot('cli-mount', []);
}, 60_000);
afterAll(() => removeRoot(root));

describe('the generated manifest', () => {
  it('ids come from the package name', () => {
    expect(mountId('@modelcontextprotocol/server-filesystem')).toBe('filesystem');
    expect(mountId('@modelcontextprotocol/server-everything')).toBe('everything');
    expect(mountId('mcp-server-git')).toBe('git');
    expect(mountId('@acme/weather-mcp')).toBe('weather');
    expect(mountId('9lives')).toBe('mcp-9lives');
  });

  it('the arguments typed at the prompt split like a shell line', () => {
    expect(splitArgs('/srv/docs "/home/ada/My Files" \'x y\'  z')).toEqual(['/srv/docs', '/home/ada/My Files', 'x y', 'z']);
    expect(splitArgs('   ')).toEqual([]);
  });

  it('pins the version npx runs, passes HOME, declares no tools (they are listed at plugin lock)', () => {
    const m = mountManifest({
      info: { name: '@modelcontextprotocol/server-filesystem', version: '2026.8.31', description: 'MCP server for filesystem access' },
      args: ['/srv/docs'],
    });
    expect(m).toMatchObject({
      id: 'filesystem',
      version: '2026.8.31',
      kind: 'connector',
      description: 'MCP server for filesystem access',
      runtime: {
        type: 'mcp-stdio',
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-filesystem@2026.8.31', '/srv/docs'],
        env: ['HOME'],
      },
      limits: { startTimeoutMs: 180_000 }, // the first start downloads the package through npx
      tools: [],
    });
  });
});

describe('plugin install of an npm MCP server', () => {
  it('without --mcp (no terminal to ask on): the error says how to mount it, nothing is installed', () => {
    const r = neonhub('plugin', 'install', SPEC);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `error NH_PLUGIN_INSTALL_FAILED: installing plugin from ${SPEC} failed: the package has no plugin.json at its root (is it a NeonHub plugin?); @modelcontextprotocol/server-everything is runnable with npx: mount it as an MCP server (stdio) with \`neonhub plugin install ${SPEC} --mcp [--arg <server argument>]...\``,
    );
    expect(existsSync(join(root, '.neonhub/plugins/everything'))).toBe(false);
  }, 180_000);

  it('with --mcp --arg: mounted, then pinned by plugin lock, enabled and called', () => {
    const r = neonhub('plugin', 'install', SPEC, '--mcp', '--arg', 'stdio');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('✓ mounted @modelcontextprotocol/server-everything@2026.8.31 as plugin everything (mcp-stdio)');
    expect(r.stdout).toContain('it will run: npx -y @modelcontextprotocol/server-everything@2026.8.31 stdio (environment: HOME');
    const manifest = JSON.parse(readFileSync(join(root, '.neonhub/plugins/everything/plugin.json'), 'utf8'));
    expect(manifest.runtime).toEqual({
      type: 'mcp-stdio',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-everything@2026.8.31', 'stdio'],
      env: ['HOME'],
    });
    // installing runs nothing: the host refuses it until it is locked
    expect(neonhub('plugin', 'verify').stdout).toMatch(/everything: NH_PLUGIN_NOT_LOCKED/);
    const again = neonhub('plugin', 'install', SPEC, '--mcp');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      /^error NH_PLUGIN_ID_TAKEN: mounting .* plugin id everything is already used by .*; choose another with --id <id>/,
    );

    const locked = neonhub('plugin', 'lock', 'everything');
    expect(locked.code, locked.stderr).toBe(0);
    expect(locked.stdout).toMatch(/\+ everything 2026\.8\.31 \(new, \d+ tools: .*echo/);
    expect(neonhub('workspace', 'create', 'acme').code).toBe(0);
    expect(neonhub('plugin', 'enable', 'everything', '-w', 'acme').code).toBe(0);
    const call = neonhub('call', 'everything:echo', '-w', 'acme', '-i', '{"message":"hi"}');
    expect(call.code, call.stderr).toBe(0);
    expect(JSON.parse(call.stdout)).toEqual({ content: [{ type: 'text', text: 'Echo: hi' }] });
  }, 300_000);
});
