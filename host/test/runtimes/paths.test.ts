import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NeonHubError } from '@neonhub/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkContained } from '../../src/plugins/contained.js';
import { discoverPlugins } from '../../src/plugins/discover.js';
import { computePackDigest } from '../../src/plugins/pack.js';
import { bundlePlugin, createRuntime } from '../../src/runtimes/index.js';
import { bootHost, lockRoot } from '../integration/helpers.js';
import { fixture, invocation, memoryLogger, tempDir } from './helpers.js';

/**
 * A plugin's files stay inside its folder, for every runtime: a folder under plugins/ holding a link to `/` (or a
 * file link to the data directory's secret.key) is refused at discovery with NH_PLUGIN_PATH_ESCAPES and listed as a
 * problem while the host runs on; links within the folder still work; packing, bundling and the isolated runtime
 * check again on their own.
 */
const base = resolve(import.meta.dirname, '../.tmp', `paths-${process.pid}-${Date.now()}`); // under host/ so the SDK resolves
const rtBasic = fixture('rt-basic');
const secrets = tempDir('nh-secrets-');
const secretKey = join(secrets, 'secret.key');
writeFileSync(secretKey, 'the host data key');

/** A copy of rt-basic in `<base>/<root>/plugins/<name>`, with `links` (path in the plugin -> target) added. */
function plugin(root: string, name: string, links: Record<string, string> = {}, id = name): string {
  const dir = join(base, root, 'plugins', name);
  cpSync(rtBasic.dir, dir, { recursive: true });
  if (id !== 'rt-basic') {
    const manifest = { ...rtBasic.manifest, id };
    writeFileSync(join(dir, 'plugin.json'), JSON.stringify(manifest, null, 2));
  }
  for (const [path, target] of Object.entries(links)) symlinkSync(target, join(dir, path));
  return dir;
}

const failure = async (p: Promise<unknown>) => (await p.then(() => undefined).catch((e) => e)) as NeonHubError | undefined;

beforeAll(() => mkdirSync(base, { recursive: true }));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('plugin folders: links that leave are refused', () => {
  it('refuses a folder link to / and a file link outside, naming them; an in-folder link is fine', async () => {
    const rootLink = plugin('unit', 'root-link', { 'src/host-root': '/' });
    const fileLink = plugin('unit', 'file-link', { 'secret.key': secretKey });
    const inside = plugin('unit', 'inside-link', { 'data-copy.txt': 'data.txt', 'src-again': 'src' });
    const dangling = plugin('unit', 'dangling', { 'gone.txt': join(base, 'no-such-file') });

    const e1 = await failure(checkContained(rootLink));
    expect(e1?.code).toBe('NH_PLUGIN_PATH_ESCAPES');
    expect(e1?.message).toContain('src/host-root is a link to /, outside the plugin folder');
    const e2 = await failure(checkContained(fileLink));
    expect(e2?.code).toBe('NH_PLUGIN_PATH_ESCAPES');
    expect(e2?.message).toContain(`secret.key is a link to ${secretKey}`);
    expect((await failure(checkContained(dangling)))?.message).toContain('gone.txt is a link that does not resolve');
    await expect(checkContained(inside)).resolves.toBe(inside);

    const found = await discoverPlugins([join(base, 'unit', 'plugins')]);
    expect(found.plugins.map((p) => p.id)).toEqual(['inside-link']);
    expect(found.errors.map((e) => [e.dir.split('/').pop(), e.error.code])).toEqual([
      ['dangling', 'NH_PLUGIN_PATH_ESCAPES'],
      ['file-link', 'NH_PLUGIN_PATH_ESCAPES'],
      ['root-link', 'NH_PLUGIN_PATH_ESCAPES'],
    ]);
  });

  it('refuses a plugin.json that is a link outside without opening it', async () => {
    const dir = plugin('manifest', 'linked-manifest');
    rmSync(join(dir, 'plugin.json'));
    symlinkSync(join(rtBasic.dir, 'plugin.json'), join(dir, 'plugin.json'));
    const found = await discoverPlugins([join(base, 'manifest', 'plugins')]);
    expect(found.plugins).toEqual([]);
    expect(found.errors[0]?.error.code).toBe('NH_PLUGIN_PATH_ESCAPES');
  });

  it('packing reads a packed file only where it really is inside the folder', async () => {
    const dir = plugin('pack', 'packed-link');
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'packed-link', version: '0.1.0', files: ['plugin.json', 'src', 'key.txt'] }),
    );
    symlinkSync(secretKey, join(dir, 'key.txt'));
    const e = await failure(computePackDigest(dir));
    // npm-packlist may leave the link out; if it keeps it, reading it is refused. Either way the secret is not hashed.
    if (e) expect(e.code).toBe('NH_PLUGIN_PATH_ESCAPES');
    else expect(Object.keys((await computePackDigest(dir)).files)).not.toContain('key.txt');
  });

  it('bundling refuses a plugin that imports a file from outside its folder and its packages', async () => {
    const dir = plugin('bundle', 'imports-outside');
    const stolen = join(secrets, 'settings.json');
    writeFileSync(stolen, JSON.stringify({ apiKey: 'host-only' }));
    writeFileSync(join(dir, 'src', 'steal.ts'), `import settings from ${JSON.stringify(stolen)};\nexport default settings;\n`);
    const e = await failure(bundlePlugin({ pluginId: 'imports-outside', dir, entry: 'src/steal.ts', cacheDir: tempDir() }));
    expect(e?.code).toBe('NH_PLUGIN_PATH_ESCAPES');
    expect(e?.message).toContain(stolen);
  });

  it('the isolated runtime refuses an escaping folder at start, and reads through in-folder links only', async () => {
    const { logger } = memoryLogger();
    const bad = plugin('isolated', 'isolated-root-link', { 'host-root': '/' });
    const rt = createRuntime({
      manifest: { ...rtBasic.manifest, id: 'isolated-root-link' },
      dir: bad,
      cacheDir: tempDir(),
      logger,
      isolation: 'isolated',
    });
    expect((await failure(rt.start()))?.code).toBe('NH_PLUGIN_PATH_ESCAPES');

    const good = plugin('isolated', 'rt-basic', { 'data-copy.txt': 'data.txt' }, 'rt-basic');
    const ok = createRuntime({ manifest: rtBasic.manifest, dir: good, cacheDir: tempDir(), logger, isolation: 'isolated' });
    await ok.start();
    try {
      expect(await ok.invoke(invocation('read_file', { path: join(good, 'data-copy.txt') }))).toEqual({
        content: 'inside the plugin folder\n',
      });
      // a link added after start still reads nothing outside: only the folder's entries were granted
      symlinkSync('/', join(good, 'late-root'));
      await expect(ok.invoke(invocation('read_file', { path: join(good, 'late-root', 'etc', 'passwd') }))).rejects.toMatchObject({
        code: 'NH_TOOL_FAILED',
        details: { code: 'ERR_ACCESS_DENIED' },
      });
    } finally {
      await ok.stop();
    }
  }, 60_000);

  it('a host with a plugin folder linking to / skips it, lists the problem, and loads the rest', async () => {
    const root = join(base, 'host');
    plugin('host', 'rt-basic', {}, 'rt-basic');
    plugin('host', 'rt-escape', {}, 'rt-escape');
    await lockRoot(root, { isolation: { 'rt-basic': 'isolated', 'rt-escape': 'isolated' } });
    symlinkSync('/', join(root, 'plugins', 'rt-escape', 'src', 'host-root'));
    const host = await bootHost(root);
    try {
      expect(host.problems.map((p) => [p.dir.split('/').pop(), p.error.code])).toEqual([['rt-escape', 'NH_PLUGIN_PATH_ESCAPES']]);
      expect(host.registry.plugins().map((p) => p.manifest.id)).toEqual(['rt-basic']);
    } finally {
      await host.close();
    }
  }, 120_000);
});
