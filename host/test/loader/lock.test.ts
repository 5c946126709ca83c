import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isNeonHubError, type ToolDefinition } from '@neonhub/schemas';
import { describe, expect, it } from 'vitest';
import { discoverPlugins } from '../../src/plugins/discover.js';
import { lockPlugins, readLockfile, serializeLockfile, writeLockfile } from '../../src/plugins/lock.js';
import { formatLockDiff } from '../../src/plugins/lock-diff.js';
import { computeIntegrity, listPackedFiles } from '../../src/plugins/pack.js';
import { toolHash } from '../../src/plugins/tool-hash.js';
import { copyModuleFixture, tempDir } from './helpers.js';

async function rejectionCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isNeonHubError(e)) return e.code;
    throw e;
  }
  return 'no error';
}

describe('computeIntegrity', () => {
  it('is the same for two copies of a plugin and differs after a one-byte change', async () => {
    const a = await copyModuleFixture(await tempDir(), 'a');
    const b = await copyModuleFixture(await tempDir(), 'b');
    const ia = await computeIntegrity(a);
    expect(ia).toMatch(/^sha512-[A-Za-z0-9+/]+=*$/);
    expect(await computeIntegrity(b)).toBe(ia);
    await writeFile(join(b, 'src', 'messages.txt'), 'hellp\n');
    expect(await computeIntegrity(b)).not.toBe(ia);
  });

  it('covers the files npm pack would include, plus plugin.json', async () => {
    const dir = await copyModuleFixture(await tempDir());
    expect(await listPackedFiles(dir)).toEqual(['package.json', 'plugin.json', 'src/index.js', 'src/messages.txt']);
    // without `files`, everything but npm's defaults (node_modules, .git, ...) is packed
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0' }));
    await mkdir(join(dir, 'node_modules', 'dep'), { recursive: true });
    await writeFile(join(dir, 'node_modules', 'dep', 'index.js'), '');
    expect(await listPackedFiles(dir)).toEqual(['NOTES.dev.md', 'package.json', 'plugin.json', 'src/index.js', 'src/messages.txt']);
    // a folder with only plugin.json (an outside MCP server's wrapper)
    await rm(join(dir, 'package.json'));
    expect(await listPackedFiles(dir)).toContain('plugin.json');
  });

  it('changes when a file is renamed, even with identical bytes', async () => {
    const dir = await copyModuleFixture(await tempDir());
    const before = await computeIntegrity(dir);
    const text = await readFile(join(dir, 'src', 'messages.txt'));
    await rm(join(dir, 'src', 'messages.txt'));
    await writeFile(join(dir, 'src', 'messages.md'), text);
    expect(await computeIntegrity(dir)).not.toBe(before);
  });
});

describe('toolHash', () => {
  const tool: ToolDefinition = {
    name: 'greet',
    description: 'Greets.',
    inputSchema: { type: 'object', properties: { a: {}, b: {} } },
    sideEffect: 'none',
  };
  it('is canonical (key order does not matter) and pins description and side effect, not the timeout', () => {
    const reordered: ToolDefinition = {
      sideEffect: 'none',
      inputSchema: { properties: { b: {}, a: {} }, type: 'object' },
      description: 'Greets.',
      name: 'greet',
    };
    expect(toolHash(reordered)).toBe(toolHash(tool));
    expect(toolHash(tool)).toMatch(/^sha256-/);
    expect(toolHash({ ...tool, description: 'Greets!' })).not.toBe(toolHash(tool));
    expect(toolHash({ ...tool, sideEffect: 'external' })).not.toBe(toolHash(tool));
    expect(toolHash({ ...tool, timeoutMs: 5000 })).toBe(toolHash(tool));
  });
});

describe('lock file', () => {
  it('reads a missing file as an empty lock and refuses invalid ones', async () => {
    const dir = await tempDir();
    expect(await readLockfile(join(dir, 'nope.json'))).toEqual({ lockfileVersion: 1, plugins: {} });
    await writeFile(join(dir, 'bad.json'), '{ nope');
    expect(await rejectionCode(readLockfile(join(dir, 'bad.json')))).toBe('NH_LOCK_INVALID');
    await writeFile(join(dir, 'schema.json'), JSON.stringify({ lockfileVersion: 1, plugins: { x: { version: '1' } } }));
    try {
      await readLockfile(join(dir, 'schema.json'));
      expect.unreachable();
    } catch (e) {
      expect(isNeonHubError(e) && e.code).toBe('NH_LOCK_INVALID');
      expect((e as { details: { issues: unknown[] } }).details.issues.length).toBeGreaterThan(0);
    }
  });

  it('writes stable, sorted, 2-space JSON with a trailing newline, atomically', async () => {
    const dir = await tempDir();
    const entry = (v: string) => ({
      version: v,
      source: { type: 'workspace' as const, path: 'p' },
      integrity: 'sha512-AAAA',
      isolation: 'in-process' as const,
      tools: { b: 'sha256-B', a: 'sha256-A' },
    });
    const path = join(dir, 'plugins.lock.json');
    await writeLockfile(path, { lockfileVersion: 1, plugins: { zeta: entry('1.0.0'), alpha: entry('2.0.0') } });
    const text = await readFile(path, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.indexOf('"alpha"')).toBeLessThan(text.indexOf('"zeta"'));
    expect(text.indexOf('"a": "sha256-A"')).toBeLessThan(text.indexOf('"b": "sha256-B"'));
    expect(text).toContain('\n  "plugins": {\n    "alpha": {\n      "version": "2.0.0"');
    expect(text).toBe(serializeLockfile(await readLockfile(path)));
    expect(await readdir(dir)).toEqual(['plugins.lock.json']);
  });
});

describe('lockPlugins + formatLockDiff', () => {
  it('shows an added plugin, then a changed tool description, a changed file, and a removed plugin', async () => {
    const root = await tempDir();
    const pluginsDir = join(root, 'plugins');
    const dir = await copyModuleFixture(pluginsDir);
    const lockPath = join(root, 'plugins.lock.json');
    const discover = async () => (await discoverPlugins([pluginsDir], { repoRoot: root })).plugins;

    const first = await lockPlugins({ lockPath, plugins: await discover() });
    expect(formatLockDiff(first.diff)).toBe('+ fixture-greeter 1.0.0 (new, 2 tools: greet, shout)\n');
    expect(first.lock.plugins['fixture-greeter']?.source).toEqual({ type: 'workspace', path: 'plugins/fixture-greeter' });
    expect(await readLockfile(lockPath)).toEqual(first.lock);

    const again = await lockPlugins({ lockPath, plugins: await discover() });
    expect(formatLockDiff(again.diff)).toBe('plugins.lock.json: no changes\n');

    const manifestPath = join(dir, 'plugin.json');
    await writeFile(manifestPath, (await readFile(manifestPath, 'utf8')).replace('Greets a person loudly.', 'Greets a person LOUDLY.'));
    await writeFile(join(dir, 'src', 'messages.txt'), 'bonjour\n');
    const changed = await lockPlugins({ lockPath, plugins: await discover() });
    const text = formatLockDiff(changed.diff);
    expect(text).toContain('~ fixture-greeter');
    expect(text).toContain('tool ~ shout (changed: description)');
    expect(text).not.toContain('tool ~ greet');
    expect(text).toMatch(/integrity sha512-.+ -> sha512-/);
    expect(text).toContain('files changed: plugin.json, src/messages.txt');
    expect(changed.diff.changed[0]?.tools).toEqual({ added: [], removed: [], changed: [{ name: 'shout', fields: ['description'] }] });

    const dry = await lockPlugins({ lockPath, plugins: [], dryRun: true });
    expect(formatLockDiff(dry.diff)).toBe('- fixture-greeter 1.0.0 (removed)\n');
    expect(Object.keys((await readLockfile(lockPath)).plugins)).toEqual(['fixture-greeter']);
  });

  it('locks only the ids asked for and keeps the other entries', async () => {
    const root = await tempDir();
    const pluginsDir = join(root, 'plugins');
    await copyModuleFixture(pluginsDir, 'one');
    const two = await copyModuleFixture(pluginsDir, 'two');
    for (const f of ['plugin.json']) {
      const p = join(two, f);
      await writeFile(p, (await readFile(p, 'utf8')).replace('"fixture-greeter"', '"fixture-other"'));
    }
    const lockPath = join(root, 'plugins.lock.json');
    const { plugins } = await discoverPlugins([pluginsDir], { repoRoot: root });
    await lockPlugins({ lockPath, plugins, only: ['fixture-greeter'] });
    expect(Object.keys((await readLockfile(lockPath)).plugins)).toEqual(['fixture-greeter']);
    const { diff } = await lockPlugins({ lockPath, plugins, only: ['fixture-other'] });
    expect(diff.added.map((a) => a.id)).toEqual(['fixture-other']);
    expect(diff.removed).toEqual([]);
    expect(Object.keys((await readLockfile(lockPath)).plugins)).toEqual(['fixture-greeter', 'fixture-other']);
    expect(await rejectionCode(lockPlugins({ lockPath, plugins, only: ['ghost'] }))).toBe('NH_PLUGIN_NOT_FOUND');
  });
});
