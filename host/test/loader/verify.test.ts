import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isNeonHubError, type Lockfile, type NeonHubError, type ToolDefinition } from '@neonhub/schemas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DiscoveredPlugin, discoverPlugins } from '../../src/plugins/discover.js';
import { lockPlugins } from '../../src/plugins/lock.js';
import { listPackedFiles } from '../../src/plugins/pack.js';
import { compareTools, verifyAgainstLock } from '../../src/plugins/verify.js';
import { copyModuleFixture, tempDir } from './helpers.js';

async function rejection(p: Promise<unknown>): Promise<NeonHubError> {
  try {
    await p;
  } catch (e) {
    if (isNeonHubError(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

/** A locked copy of the fixture: `root/plugins/fixture-greeter` and `root/plugins.lock.json`. */
async function lockedFixture(): Promise<{ root: string; plugin: DiscoveredPlugin; lock: Lockfile; lockPath: string }> {
  const root = await tempDir();
  await copyModuleFixture(join(root, 'plugins'));
  const { plugins } = await discoverPlugins([join(root, 'plugins')], { repoRoot: root });
  const lockPath = join(root, 'plugins.lock.json');
  const { lock } = await lockPlugins({ lockPath, plugins });
  return { root, plugin: plugins[0] as DiscoveredPlugin, lock, lockPath };
}

async function rediscover(root: string): Promise<DiscoveredPlugin> {
  const { plugins, errors } = await discoverPlugins([join(root, 'plugins')], { repoRoot: root });
  expect(errors).toEqual([]);
  return plugins[0] as DiscoveredPlugin;
}

let marker: string;
beforeEach(async () => {
  marker = join(await tempDir('nh-marker-'), 'IMPORTED');
  process.env.NEONHUB_FIXTURE_MARKER = marker;
});
afterEach(() => {
  delete process.env.NEONHUB_FIXTURE_MARKER;
});

describe('verifyAgainstLock', () => {
  it('accepts an untouched plugin, and an edit to a file npm would not pack', async () => {
    const { plugin, lock } = await lockedFixture();
    await verifyAgainstLock(plugin, lock);
    await writeFile(join(plugin.dir, 'NOTES.dev.md'), 'edited\n');
    await verifyAgainstLock(plugin, lock);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a plugin when any one byte of any packed file changes, naming the file', async () => {
    const { plugin: original } = await lockedFixture();
    const files = await listPackedFiles(original.dir);
    expect(files).toEqual(['package.json', 'plugin.json', 'src/index.js', 'src/messages.txt']);
    for (const file of files) {
      const { plugin, lock } = await lockedFixture();
      const path = join(plugin.dir, file);
      const bytes = await readFile(path);
      const at = Math.floor(bytes.length / 2);
      bytes[at] = (bytes[at] as number) ^ 0x01;
      await writeFile(path, bytes);
      const e = await rejection(verifyAgainstLock(plugin, lock));
      expect(e.code, file).toBe('NH_PLUGIN_LOCK_MISMATCH');
      expect(e.message).toContain('fixture-greeter');
      expect(e.message).toContain(`${file} changed`);
      expect(e.details).toMatchObject({ expected: lock.plugins['fixture-greeter']?.integrity });
      // (a flipped byte in package.json can also change what is packed: `files` is read from it)
      expect((e.details as { files: { changed: string[] } }).files.changed).toContain(file);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a plugin with an added packed file', async () => {
    const { plugin, lock } = await lockedFixture();
    await writeFile(join(plugin.dir, 'src', 'extra.js'), 'export const x = 1;\n');
    const e = await rejection(verifyAgainstLock(plugin, lock));
    expect(e.code).toBe('NH_PLUGIN_LOCK_MISMATCH');
    expect(e.message).toContain('src/extra.js added');
  });

  it('reports a one-character change in a tool description as NH_PLUGIN_TOOL_CHANGED naming the tool, without importing code', async () => {
    const { root, lock } = await lockedFixture();
    const manifestPath = join(root, 'plugins', 'fixture-greeter', 'plugin.json');
    const text = await readFile(manifestPath, 'utf8');
    await writeFile(manifestPath, text.replace('Greets a person by name.', 'Greets a person by name!'));
    const plugin = await rediscover(root);
    const e = await rejection(verifyAgainstLock(plugin, lock));
    expect(e.code).toBe('NH_PLUGIN_TOOL_CHANGED');
    expect(e.message).toContain('fixture-greeter');
    expect(e.message).toContain('greet (description changed)');
    expect(e.message).not.toContain('shout');
    // plugin.json is packed too: the integrity comparison rides along in details
    expect(e.details).toMatchObject({
      tools: { changed: ['greet'], unchanged: ['shout'], changedFields: { greet: ['description'] } },
      integrity: { matches: false, files: { changed: ['plugin.json'] } },
    });
    expect(existsSync(marker)).toBe(false);
    // the marker mechanism works: importing the entry does write it
    await import(`${pathToFileURL(join(plugin.dir, 'src', 'index.js')).href}?t=${Date.now()}`);
    expect(existsSync(marker)).toBe(true);
  });

  it('names inputSchema and sideEffect changes, and added or removed tools', async () => {
    const { root, lock } = await lockedFixture();
    const manifestPath = join(root, 'plugins', 'fixture-greeter', 'plugin.json');
    const m = JSON.parse(await readFile(manifestPath, 'utf8'));
    m.tools[0].inputSchema.properties.name.maxLength = 10;
    m.tools[0].sideEffect = 'external';
    m.tools[1].name = 'yell';
    await writeFile(manifestPath, JSON.stringify(m, null, 2));
    const e = await rejection(verifyAgainstLock(await rediscover(root), lock));
    expect(e.code).toBe('NH_PLUGIN_TOOL_CHANGED');
    expect(e.message).toContain('greet (inputSchema, sideEffect changed)');
    expect(e.message).toContain('yell (added)');
    expect(e.message).toContain('shout (removed)');
  });

  it('refuses a plugin that is not in the lock', async () => {
    const { plugin } = await lockedFixture();
    const e = await rejection(verifyAgainstLock(plugin, { lockfileVersion: 1, plugins: {} }));
    expect(e.code).toBe('NH_PLUGIN_NOT_LOCKED');
    expect(e.message).toContain('neonhub plugin lock fixture-greeter');
  });

  it('refuses a plugin whose version differs from the lock', async () => {
    const { root, lock } = await lockedFixture();
    for (const f of ['plugin.json', 'package.json']) {
      const p = join(root, 'plugins', 'fixture-greeter', f);
      await writeFile(p, (await readFile(p, 'utf8')).replace('"1.0.0"', '"1.0.1"'));
    }
    const e = await rejection(verifyAgainstLock(await rediscover(root), lock));
    expect(e.code).toBe('NH_PLUGIN_VERSION_MISMATCH');
    expect(e.details).toEqual({ id: 'fixture-greeter', expected: '1.0.0', actual: '1.0.1' });
  });
});

describe('compareTools (MCP servers, at connect time)', () => {
  const tool = (name: string, description: string): ToolDefinition => ({
    name,
    description,
    inputSchema: { type: 'object' },
    sideEffect: 'read',
  });

  it('sorts tools into unchanged, changed (with fields), added and removed', async () => {
    const root = await tempDir();
    const dir = join(root, 'servers', 'memory');
    await copyModuleFixture(join(root, 'servers'), 'memory');
    const manifest = {
      id: 'mcp-memory',
      version: '1.0.0',
      kind: 'capability',
      description: 'An outside MCP server',
      host: '^0.2.0',
      runtime: { type: 'mcp-stdio', command: 'node', args: ['server.js'] },
    };
    await writeFile(join(dir, 'plugin.json'), JSON.stringify(manifest));
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'mcp-memory', version: '1.0.0' }));
    const { plugins } = await discoverPlugins([join(root, 'servers')], { repoRoot: root });
    const { lock } = await lockPlugins({
      lockPath: join(root, 'plugins.lock.json'),
      plugins,
      extraTools: { 'mcp-memory': [tool('read_graph', 'Reads the graph.'), tool('search', 'Searches.'), tool('delete', 'Deletes.')] },
    });
    const entry = lock.plugins['mcp-memory'];
    expect(entry?.isolation).toBe('isolated');
    const cmp = compareTools(
      'mcp-memory',
      [tool('read_graph', 'Reads the graph.'), tool('search', 'Searches everything.'), tool('create', 'Creates.')],
      entry!,
    );
    expect(cmp).toEqual({
      unchanged: ['read_graph'],
      changed: ['search'],
      added: ['create'],
      removed: ['delete'],
      changedFields: { search: ['description'] },
    });
    // an MCP plugin's tools are not checked by verifyAgainstLock (they are only known after connecting)
    await verifyAgainstLock(plugins[0]!, lock);
  });
});
