import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isNeonHubError, type NeonHubError } from '@neonhub/schemas';
import { describe, expect, it } from 'vitest';
import { hostErrors } from '../../src/errors.js';
import { discoverPlugins } from '../../src/plugins/discover.js';
import { MAX_MANIFEST_BYTES, readManifest } from '../../src/plugins/manifest.js';
import { copyModuleFixture, FIXTURES, tempDir } from './helpers.js';

interface Expectation {
  code: string | null;
  mentions: string;
  packageJson?: Record<string, unknown>;
  generate?: 'huge' | 'directory';
}

const CORPUS = join(FIXTURES, 'malformed');
const expected = JSON.parse(await readFile(join(CORPUS, 'expected.json'), 'utf8')) as Record<string, Expectation>;
const cases = Object.entries(expected);
const folderName = (file: string) => file.replace(/^@/, '').replace(/\.json$/, '');

/** Lays out one corpus case as `<root>/<case>/plugin.json` (plus package.json when the case needs one). */
async function layOut(root: string, file: string, exp: Expectation): Promise<string> {
  const dir = join(root, folderName(file));
  await mkdir(dir, { recursive: true });
  if (exp.generate === 'huge') {
    const body = JSON.stringify({ id: 'fixture-huge', padding: 'x'.repeat(MAX_MANIFEST_BYTES) });
    await writeFile(join(dir, 'plugin.json'), body);
  } else if (exp.generate === 'directory') {
    await mkdir(join(dir, 'plugin.json'));
  } else {
    await copyFile(join(CORPUS, file), join(dir, 'plugin.json'));
  }
  if (exp.packageJson) await writeFile(join(dir, 'package.json'), JSON.stringify(exp.packageJson));
  return dir;
}

async function failureOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('malformed manifest corpus', () => {
  it('has at least 30 malformed cases, each mapped to a registered error code', () => {
    const malformed = cases.filter(([, e]) => e.code !== null);
    expect(malformed.length).toBeGreaterThanOrEqual(30);
    for (const [, e] of malformed) expect(Object.keys(hostErrors.registry)).toContain(e.code);
  });

  it.each(cases)('%s', async (file, exp) => {
    const root = await tempDir();
    const dir = await layOut(root, file, exp);
    const error = await failureOf(readManifest(dir));
    if (exp.code === null) {
      expect(error).toBeUndefined();
      const manifest = await readManifest(dir);
      expect(manifest.id).toBe(exp.mentions);
      return;
    }
    expect(isNeonHubError(error), `expected a NeonHubError, got ${String(error)}`).toBe(true);
    const e = error as NeonHubError;
    expect(e.code).toBe(exp.code);
    expect(e.message).toContain(exp.mentions);
    expect(e.message).toContain(dir); // names the file
    expect(e.status).toBe(400);
  });

  it('uses more than a dozen distinct codes across the corpus', () => {
    const codes = new Set(cases.map(([, e]) => e.code).filter(Boolean));
    expect(codes.size).toBeGreaterThanOrEqual(15);
  });

  it('lists every schema problem with its path in details.issues', async () => {
    const root = await tempDir();
    const dir = await layOut(root, 'empty-object.json', expected['empty-object.json'] as Expectation);
    const e = (await failureOf(readManifest(dir))) as NeonHubError;
    const issues = (e.details as { issues: { path: string; code: string }[] }).issues;
    expect(issues.map((i) => i.path)).toEqual(['id', 'version', 'kind', 'description', 'host', 'runtime']);
    expect(new Set(issues.map((i) => i.code))).toEqual(new Set(['NH_MANIFEST_FIELD_MISSING']));
    expect(e.message).toContain('and 5 more problems');
  });

  it('reports the line and column of a JSON syntax error', async () => {
    const root = await tempDir();
    const dir = await layOut(root, 'trailing-comma.json', expected['trailing-comma.json'] as Expectation);
    const e = (await failureOf(readManifest(dir))) as NeonHubError;
    expect(e.details).toMatchObject({ line: 4, column: 1 });
  });

  it('discovery over all of them plus one good plugin returns the good ones and one error per bad folder', async () => {
    const root = await tempDir();
    for (const [file, exp] of cases) await layOut(root, file, exp);
    await copyModuleFixture(root, 'zz-good');
    const { plugins, errors } = await discoverPlugins([root], { repoRoot: root });
    expect(plugins.map((p) => p.id).sort()).toEqual(['fixture-bom', 'fixture-greeter']);
    const bad = cases.filter(([, e]) => e.code !== null);
    expect(errors).toHaveLength(bad.length);
    expect(errors.length).toBeGreaterThanOrEqual(30);
    for (const [file, exp] of bad) {
      const found = errors.find((x) => x.dir === join(root, folderName(file)));
      expect(found?.error.code, file).toBe(exp.code);
    }
    const good = plugins.find((p) => p.id === 'fixture-greeter');
    expect(good?.source).toEqual({ type: 'workspace', path: 'zz-good' });
  });
});
