import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { PluginDefinition } from '@neonhub/sdk';
import { checkConformance, formatIssues } from '@neonhub/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaffoldPlugin } from './index.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const requireFromSdk = createRequire(join(repoRoot, 'core/sdk/package.json'));
const pkgDir = async (name: string) => dirname(await realpath(requireFromSdk.resolve(`${name}/package.json`)));

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'nh-scaffold-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Makes @neonhub/sdk, zod and vitest resolvable from a scaffolded folder, as `pnpm install` would. */
async function linkDeps(dir: string): Promise<void> {
  await mkdir(join(dir, 'node_modules/@neonhub'), { recursive: true });
  await symlink(join(repoRoot, 'core/sdk'), join(dir, 'node_modules/@neonhub/sdk'), 'dir');
  await symlink(await pkgDir('zod'), join(dir, 'node_modules/zod'), 'dir');
  await symlink(dirname(await realpath(join(repoRoot, 'node_modules/vitest/package.json'))), join(dir, 'node_modules/vitest'), 'dir');
}

describe('scaffoldPlugin', () => {
  it('writes a plugin that passes every conformance check, with a manifest whose tools match the code', async () => {
    const dir = join(root, 'agent-social');
    const r = await scaffoldPlugin({ dir, id: 'agent-social', kind: 'agent', description: 'Drafts social posts.' });
    expect(r.files).toEqual([
      '.gitignore',
      'README.md',
      'package.json',
      'plugin.json',
      'src/index.ts',
      'src/tools/word-count.test.ts',
      'src/tools/word-count.ts',
      'test/conformance.test.ts',
    ]);
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: '@neonhub/plugin-agent-social', version: '0.1.0', peerDependencies: { '@neonhub/sdk': '^0.2.1' } });
    expect(pkg.dependencies).toBeUndefined();
    const manifest = JSON.parse(await readFile(join(dir, 'plugin.json'), 'utf8'));
    expect(manifest).toMatchObject({ id: 'agent-social', kind: 'agent', description: 'Drafts social posts.', host: '^0.2.1' });

    await linkDeps(dir);
    const plugin = (await import(pathToFileURL(join(dir, 'src/index.ts')).href)).default as PluginDefinition;
    expect(plugin.id).toBe('agent-social');
    const issues = await checkConformance(dir, plugin);
    expect(issues, formatIssues(issues)).toEqual([]);
  });

  it("writes tests that pass when the plugin's own vitest runs them", async () => {
    const dir = join(root, 'connector-demo');
    await scaffoldPlugin({ dir, id: 'connector-demo', kind: 'connector', sdkRange: 'workspace:^' });
    expect(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')).peerDependencies['@neonhub/sdk']).toBe('workspace:^');
    expect(JSON.parse(await readFile(join(dir, 'plugin.json'), 'utf8')).description).toBe('A NeonHub connector plugin.');
    await linkDeps(dir);
    const vitestBin = join(dirname(await realpath(join(repoRoot, 'node_modules/vitest/package.json'))), 'vitest.mjs');
    const { stdout } = await promisify(execFile)(process.execPath, [vitestBin, 'run', '--root', dir, '--reporter', 'json'], {
      cwd: dir,
      env: { ...process.env, CI: 'true', FORCE_COLOR: '0' },
      maxBuffer: 10 * 1024 * 1024,
    });
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { numTotalTests: number; numPassedTests: number; success: boolean };
    // 2 tests in word-count.test.ts and one per conformance check
    expect(report.success).toBe(true);
    expect(report.numPassedTests).toBe(report.numTotalTests);
    expect(report.numTotalTests).toBeGreaterThanOrEqual(2 + 12);
  }, 60_000);

  it('refuses a non-empty folder, a file, a bad id and a bad kind, writing nothing', async () => {
    const busy = join(root, 'busy');
    await mkdir(busy);
    await writeFile(join(busy, 'notes.txt'), 'keep me');
    await expect(scaffoldPlugin({ dir: busy, id: 'agent-x', kind: 'agent' })).rejects.toMatchObject({ code: 'NH_SCAFFOLD_DIR_NOT_EMPTY' });
    await expect(scaffoldPlugin({ dir: join(busy, 'notes.txt'), id: 'agent-x', kind: 'agent' })).rejects.toMatchObject({
      code: 'NH_SCAFFOLD_DIR_NOT_EMPTY',
    });
    await expect(scaffoldPlugin({ dir: join(root, 'bad-id'), id: 'Agent_X', kind: 'agent' })).rejects.toMatchObject({
      code: 'NH_SCAFFOLD_ID_INVALID',
    });
    await expect(scaffoldPlugin({ dir: join(root, 'bad-kind'), id: 'agent-x', kind: 'robot' })).rejects.toMatchObject({
      code: 'NH_SCAFFOLD_KIND_INVALID',
    });
    await expect(readFile(join(busy, 'notes.txt'), 'utf8')).resolves.toBe('keep me');
    const empty = join(root, 'empty');
    await mkdir(empty);
    await expect(scaffoldPlugin({ dir: empty, id: 'capability-x', kind: 'capability' })).resolves.toMatchObject({ dir: empty });
  });
});
