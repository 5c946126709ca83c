import { mkdir, mkdtemp, readFile, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PluginManifestSchema } from '@neonhub/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePlugin, defineTool } from './define.js';
import { loadPluginDefinition, manifestToolsFromPlugin, syncManifestFile, syncPluginDir } from './manifest-sync.js';

const echo = defineTool({
  name: 'echo',
  description: 'Echoes the message back unchanged.',
  sideEffect: 'read',
  timeoutMs: 2_000,
  input: z.object({ message: z.string().describe('What to echo.'), times: z.number().int().default(1).describe('How often.') }),
  output: z.object({ message: z.string() }),
  run: ({ message, times }) => ({ message: message.repeat(times) }),
});
const plugin = definePlugin({ id: 'echo-plugin', tools: [echo] });

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function pluginDir(manifest: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nh-sync-'));
  dirs.push(dir);
  await writeFile(join(dir, 'plugin.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest, null, 2));
  return dir;
}
const base = {
  id: 'echo-plugin',
  version: '0.1.0',
  kind: 'capability',
  description: 'Echo.',
  host: '^0.2.0',
  runtime: { type: 'module', entry: 'src/index.ts' },
  secrets: [],
};

describe('manifestToolsFromPlugin', () => {
  it('turns zod schemas into manifest tool definitions with input/output JSON Schema', () => {
    const [t] = manifestToolsFromPlugin(plugin);
    expect(t).toMatchObject({ name: 'echo', sideEffect: 'read', timeoutMs: 2_000, description: 'Echoes the message back unchanged.' });
    expect(t!.inputSchema).toMatchObject({
      type: 'object',
      properties: { message: { type: 'string', description: 'What to echo.' }, times: { type: 'integer', default: 1 } },
      required: ['message'],
    });
    expect(t!.outputSchema).toMatchObject({ type: 'object', required: ['message'] });
  });
});

describe('syncManifestFile', () => {
  it('places tools after runtime, keeps the other keys in order, and writes nothing when already in sync', async () => {
    const dir = await pluginDir(base);
    const first = await syncManifestFile(dir, plugin);
    expect(first.changed).toBe(true);
    const text = await readFile(join(dir, 'plugin.json'), 'utf8');
    expect(Object.keys(JSON.parse(text))).toEqual(['id', 'version', 'kind', 'description', 'host', 'runtime', 'tools', 'secrets']);
    expect(text.endsWith('}\n')).toBe(true);
    expect(PluginManifestSchema.parse(JSON.parse(text)).tools).toEqual(manifestToolsFromPlugin(plugin));
    const mtime = (await stat(join(dir, 'plugin.json'))).mtimeMs;
    const second = await syncManifestFile(dir, plugin);
    expect(second.changed).toBe(false);
    expect((await stat(join(dir, 'plugin.json'))).mtimeMs).toBe(mtime);
  });

  it('replaces stale tools in place', async () => {
    const dir = await pluginDir({ ...base, tools: [{ name: 'old', description: 'x', inputSchema: {}, sideEffect: 'none' }], hooks: [] });
    await syncManifestFile(dir, plugin);
    const json = JSON.parse(await readFile(join(dir, 'plugin.json'), 'utf8'));
    expect(Object.keys(json)).toEqual([...Object.keys(base), 'tools', 'hooks']);
    expect(json.tools.map((t: { name: string }) => t.name)).toEqual(['echo']);
  });

  it('refuses a missing or broken plugin.json and an id mismatch, with codes', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'nh-sync-'));
    dirs.push(empty);
    await expect(syncManifestFile(empty, plugin)).rejects.toMatchObject({ code: 'NH_SDK_MANIFEST_NOT_FOUND' });
    await expect(syncManifestFile(await pluginDir('{'), plugin)).rejects.toMatchObject({ code: 'NH_SDK_MANIFEST_INVALID' });
    await expect(syncManifestFile(await pluginDir('[]'), plugin)).rejects.toMatchObject({ code: 'NH_SDK_MANIFEST_INVALID' });
    await expect(syncManifestFile(await pluginDir({ ...base, id: 'other' }), plugin)).rejects.toMatchObject({
      code: 'NH_SDK_PLUGIN_ID_MISMATCH',
    });
  });
});

describe('syncPluginDir', () => {
  it('imports runtime.entry and syncs plugin.json from it', async () => {
    const dir = await pluginDir(base);
    // make zod resolvable from the temp folder, as node_modules would in a real plugin
    const zodDir = dirname(await realpath(createRequire(import.meta.url).resolve('zod/package.json')));
    await mkdir(join(dir, 'node_modules'));
    await symlink(zodDir, join(dir, 'node_modules', 'zod'), 'dir');
    await mkdir(join(dir, 'src'));
    await writeFile(
      join(dir, 'src/index.ts'),
      `import { z } from 'zod';
export default { id: 'echo-plugin', tools: [{ name: 'ping', description: 'Answers pong to every ping.', sideEffect: 'none',
  input: z.object({}), output: z.object({ pong: z.boolean() }), run: () => ({ pong: true }) }] };\n`,
    );
    const r = await syncPluginDir(dir);
    expect(r.changed).toBe(true);
    expect(r.tools.map((t) => t.name)).toEqual(['ping']);
    const bad = await pluginDir({ ...base, runtime: { type: 'module', entry: 'main.js' } });
    await writeFile(join(bad, 'main.js'), 'export default 42;\n');
    await expect(loadPluginDefinition(bad)).rejects.toMatchObject({ code: 'NH_SDK_PLUGIN_LOAD_FAILED' });
    await expect(loadPluginDefinition(await pluginDir({ ...base, runtime: { type: 'module', entry: 'gone.js' } }))).rejects.toMatchObject({
      code: 'NH_SDK_PLUGIN_LOAD_FAILED',
    });
    await expect(loadPluginDefinition(await pluginDir({ ...base, runtime: { type: 'mcp-stdio', command: 'x' } }))).rejects.toMatchObject({
      code: 'NH_SDK_PLUGIN_LOAD_FAILED',
    });
  });
});
