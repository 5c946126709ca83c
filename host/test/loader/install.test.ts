import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isNeonHubError, type NeonHubError } from '@neonhub/schemas';
import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import { discoverPlugins } from '../../src/plugins/discover.js';
import { installPlugin } from '../../src/plugins/install.js';
import { lockPlugins } from '../../src/plugins/lock.js';
import { computeIntegrity } from '../../src/plugins/pack.js';
import { verifyAgainstLock } from '../../src/plugins/verify.js';
import { copyModuleFixture, MODULE_FIXTURE, tempDir } from './helpers.js';

async function rejection(p: Promise<unknown>): Promise<NeonHubError> {
  try {
    await p;
  } catch (e) {
    if (isNeonHubError(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

/** An npm-style tarball (`package/...`) of the module fixture. */
async function packFixture(out: string): Promise<string> {
  const staging = await tempDir('nh-stage-');
  await copyModuleFixture(staging, 'package');
  await tar.c({ gzip: true, file: out, cwd: staging, portable: true }, ['package']);
  return out;
}

describe('installPlugin', () => {
  it('installs a tarball into <dataDir>/plugins/<id>, records its source and leaves the lock alone', async () => {
    const dataDir = await tempDir();
    const tgz = await packFixture(join(await tempDir(), 'greeter-1.0.0.tgz'));
    const installed = await installPlugin({ from: tgz, dataDir });
    const target = join(dataDir, 'plugins', 'fixture-greeter');
    expect(installed).toMatchObject({ id: 'fixture-greeter', dir: target, source: { type: 'tarball', file: tgz, path: target } });
    expect(installed.manifest.tools.map((t) => t.name)).toEqual(['greet', 'shout']);
    expect(await readFile(join(target, 'src', 'messages.txt'), 'utf8')).toBe('hello\n');
    expect(await computeIntegrity(target)).toBe(await computeIntegrity(MODULE_FIXTURE));
    expect(existsSync(join(dataDir, 'plugins.lock.json'))).toBe(false);

    // discovery sees it with the same source; lock then verify works
    const { plugins, errors } = await discoverPlugins([join(dataDir, 'plugins')]);
    expect(errors).toEqual([]);
    expect(plugins[0]?.source).toEqual(installed.source);
    const { lock } = await lockPlugins({ lockPath: join(dataDir, 'plugins.lock.json'), plugins });
    await verifyAgainstLock(plugins[0]!, lock);
    expect(lock.plugins['fixture-greeter']?.isolation).toBe('isolated'); // an installed module plugin is pinned isolated by default
    // installing again is refused unless asked to replace (same package): then the folder is replaced
    await writeFile(join(target, 'stray.txt'), 'x');
    expect((await rejection(installPlugin({ from: tgz, dataDir }))).code).toBe('NH_PLUGIN_ID_TAKEN');
    await installPlugin({ from: tgz, dataDir, replace: true });
    expect(existsSync(join(target, 'stray.txt'))).toBe(false);
  });

  it('refuses an id held by a plugin in another root (first-party or outside server), even with replace', async () => {
    const dataDir = await tempDir();
    const firstParty = await tempDir();
    await copyModuleFixture(firstParty);
    const tgz = await packFixture(join(await tempDir(), 'greeter-1.0.0.tgz'));
    for (const replace of [false, true]) {
      const e = await rejection(installPlugin({ from: tgz, dataDir, roots: [firstParty], replace }));
      expect(e.code).toBe('NH_PLUGIN_ID_TAKEN');
      expect(e.message).toContain(`already used by ${join(firstParty, 'fixture-greeter')}`);
    }
    expect(existsSync(join(dataDir, 'plugins', 'fixture-greeter'))).toBe(false);
  });

  it('replaces an installed plugin only from the same package name', async () => {
    const dataDir = await tempDir();
    await installPlugin({ from: await packFixture(join(await tempDir(), 'a.tgz')), dataDir });
    const staging = await tempDir('nh-stage-');
    const dir = await copyModuleFixture(staging, 'package');
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    await writeFile(join(dir, 'package.json'), JSON.stringify({ ...pkg, name: '@someone-else/greeter' }));
    await writeFile(join(dir, 'src', 'messages.txt'), 'not yours\n');
    const other = join(await tempDir(), 'other.tgz');
    await tar.c({ gzip: true, file: other, cwd: staging, portable: true }, ['package']);
    const e = await rejection(installPlugin({ from: other, dataDir, replace: true }));
    expect(e.code).toBe('NH_PLUGIN_ID_TAKEN');
    expect(e.details).toMatchObject({ installedPackage: '@neonhub-fixtures/plugin-greeter', package: '@someone-else/greeter' });
    expect(await readFile(join(dataDir, 'plugins', 'fixture-greeter', 'src', 'messages.txt'), 'utf8')).toBe('hello\n');
  });

  it('installs through `npm pack` for an npm spec (here a local folder, so the test stays offline)', async () => {
    const dataDir = await tempDir();
    const src = await copyModuleFixture(await tempDir());
    const installed = await installPlugin({ from: src, dataDir });
    expect(installed.source).toEqual({ type: 'npm', spec: src, path: join(dataDir, 'plugins', 'fixture-greeter') });
    // npm pack honours `files`: the notes file is not shipped
    expect(existsSync(join(installed.dir, 'NOTES.dev.md'))).toBe(false);
    expect(existsSync(join(installed.dir, 'src', 'index.js'))).toBe(true);
  });

  it('refuses a tarball with an entry escaping the folder, and writes nothing', async () => {
    const dataDir = await tempDir();
    const work = await tempDir();
    await copyModuleFixture(work, 'package');
    await writeFile(join(work, 'evil.txt'), 'pwned');
    const tgz = join(work, 'evil.tgz');
    await tar.c({ gzip: true, file: tgz, cwd: join(work, 'package'), preservePaths: true }, ['plugin.json', '../evil.txt']);
    const e = await rejection(installPlugin({ from: tgz, dataDir }));
    expect(e.code).toBe('NH_PLUGIN_INSTALL_FAILED');
    expect(e.message).toContain('../evil.txt escapes the plugin folder');
    expect(existsSync(join(dataDir, 'evil.txt'))).toBe(false);
    expect(existsSync(join(dataDir, 'plugins', 'fixture-greeter'))).toBe(false);
  });

  it('refuses a tarball holding a symbolic link', async () => {
    const dataDir = await tempDir();
    const work = await tempDir();
    const dir = await copyModuleFixture(work, 'package');
    await symlink('/etc/passwd', join(dir, 'src', 'passwd'));
    const tgz = join(work, 'link.tgz');
    await tar.c({ gzip: true, file: tgz, cwd: work }, ['package']);
    const e = await rejection(installPlugin({ from: tgz, dataDir }));
    expect(e.code).toBe('NH_PLUGIN_INSTALL_FAILED');
    expect(e.message).toContain('package/src/passwd is a link');
  });

  it('refuses a package without plugin.json, or with a bad one, naming the cause', async () => {
    const dataDir = await tempDir();
    const work = await tempDir();
    await mkdir(join(work, 'package'));
    await writeFile(join(work, 'package', 'package.json'), JSON.stringify({ name: 'not-a-plugin', version: '1.0.0' }));
    await tar.c({ gzip: true, file: join(work, 'a.tgz'), cwd: work }, ['package']);
    expect((await rejection(installPlugin({ from: join(work, 'a.tgz'), dataDir }))).message).toContain('no plugin.json');

    await writeFile(join(work, 'package', 'plugin.json'), JSON.stringify({ id: 'Bad Id' }));
    await tar.c({ gzip: true, file: join(work, 'b.tgz'), cwd: work }, ['package']);
    const e = await rejection(installPlugin({ from: join(work, 'b.tgz'), dataDir }));
    expect(e.code).toBe('NH_PLUGIN_INSTALL_FAILED');
    expect(e.message).toContain('NH_MANIFEST_ID_INVALID');
    expect(e.details).toMatchObject({ cause: { code: 'NH_MANIFEST_ID_INVALID' } });

    const missing = await rejection(installPlugin({ from: join(work, 'nope.tgz'), dataDir }));
    expect(missing.code).toBe('NH_PLUGIN_INSTALL_FAILED');
    // nothing is left behind in the plugins folder
    const { plugins, errors } = await discoverPlugins([join(dataDir, 'plugins')]);
    expect(plugins).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('reports an npm failure as NH_PLUGIN_INSTALL_FAILED', async () => {
    const dataDir = await tempDir();
    const e = await rejection(installPlugin({ from: join(await tempDir(), 'no-such-folder'), dataDir }));
    expect(e.code).toBe('NH_PLUGIN_INSTALL_FAILED');
    expect(e.message).toContain('npm pack failed');
  });
});
