import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundlePlugin, isolatedNodeArgs, permissionFlag } from '../../src/runtimes/index.js';
import { fixture, fixturesDir, tempDir } from './helpers.js';

describe('bundlePlugin', () => {
  // a scratch copy inside the fixtures folder, so its imports resolve like a real plugin's
  const dir = join(fixturesDir, `.scratch-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  cpSync(fixture('rt-other').dir, dir, { recursive: true });
  const cacheDir = tempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('bundles once, reuses the bundle, and rebuilds when a file that went into it changes', async () => {
    const opts = { pluginId: 'rt-other', dir, entry: 'src/index.ts', cacheDir };
    const first = await bundlePlugin(opts);
    expect(first).toMatchObject({ cached: false });
    expect(first.file.startsWith(join(cacheDir, 'isolated'))).toBe(true);
    const code = readFileSync(first.file, 'utf8');
    expect(code).toContain('Answers pong'); // the plugin
    expect(code).toContain('tools/call'); // the MCP SDK server, bundled in
    expect(await bundlePlugin(opts)).toEqual({ file: first.file, cached: true });

    const src = join(dir, 'src/index.ts');
    writeFileSync(src, readFileSync(src, 'utf8').replace('Answers pong', 'Replies pong'));
    const rebuilt = await bundlePlugin(opts);
    expect(rebuilt).toEqual({ file: first.file, cached: false });
    expect(readFileSync(rebuilt.file, 'utf8')).toContain('Replies pong');
  });

  it('reports a plugin that does not compile', async () => {
    writeFileSync(join(dir, 'src/broken.ts'), 'export default {{{');
    await expect(bundlePlugin({ pluginId: 'rt-other', dir, entry: 'src/broken.ts', cacheDir })).rejects.toThrow();
  });
});

describe('Node permission flags', () => {
  it('picks --permission from Node 22.13 and --experimental-permission before', () => {
    expect(permissionFlag('20.20.2')).toBe('--experimental-permission');
    expect(permissionFlag('22.12.0')).toBe('--experimental-permission');
    expect(permissionFlag('22.13.0')).toBe('--permission');
    expect(permissionFlag('23.5.0')).toBe('--permission');
    expect(permissionFlag('24.1.0')).toBe('--permission');
  });

  it('allows reading only the plugin folder and the bundle, each as its own flag', () => {
    expect(isolatedNodeArgs('/p/dir', '/c/b.mjs', '20.20.2')).toEqual([
      '--experimental-permission',
      '--disable-warning=ExperimentalWarning',
      '--allow-fs-read=/p/dir',
      '--allow-fs-read=/c/b.mjs',
      '/c/b.mjs',
    ]);
  });
});
