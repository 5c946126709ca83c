import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { isNeonHubError, type PluginSource } from '@neonhub/schemas';
import * as tar from 'tar';
import { hostErrors } from '../errors.js';
import type { DiscoveredPlugin } from './discover.js';
import { sourceMarkerPath } from './discover.js';
import { MANIFEST_FILE, readManifest } from './manifest.js';

const run = promisify(execFile);

export interface InstallOptions {
  /** An npm spec (`@scope/pkg@1.2.3`, `pkg`, anything `npm pack` accepts) or a path to a `.tgz`. */
  from: string;
  /** The data directory; the plugin lands in `<dataDir>/plugins/<id>`. */
  dataDir: string;
}

function installFailed(from: string, why: string, cause?: unknown): never {
  const message = `installing plugin from ${from} failed: ${why}`;
  throw hostErrors.create('NH_PLUGIN_INSTALL_FAILED', message, {
    details: { from, ...(isNeonHubError(cause) ? { cause: { code: cause.code, message: cause.message } } : {}) },
    ...(cause === undefined ? {} : { cause }),
  });
}

function isTarballPath(from: string): boolean {
  return /\.(tgz|tar\.gz|tar)$/i.test(from);
}

/** `npm pack <spec>` into `dest`, without running any package scripts; returns the tarball path. */
async function npmPack(spec: string, dest: string): Promise<string> {
  try {
    const { stdout } = await run('npm', ['pack', spec, '--pack-destination', dest, '--json', '--ignore-scripts'], {
      cwd: dest,
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const out = JSON.parse(stdout) as { filename?: string }[];
    const name = out[0]?.filename;
    if (!name) installFailed(spec, 'npm pack printed no tarball name');
    return join(dest, name.replace(/^@/, '').replace(/\//g, '-'));
  } catch (e) {
    if (isNeonHubError(e)) throw e;
    const stderr = String((e as { stderr?: string }).stderr ?? '').trim();
    installFailed(spec, `npm pack failed${stderr ? `: ${stderr.split('\n').slice(-3).join(' ')}` : ''}`, e);
  }
}

/** Entries that would land outside the folder, or links (never needed by a plugin), refuse the whole tarball. */
function unsafeEntry(path: string, type: string): string | undefined {
  if (type === 'SymbolicLink' || type === 'Link') return `${path} is a link`;
  const norm = path.replace(/\\/g, '/');
  if (norm.startsWith('/') || /^[A-Za-z]:/.test(norm)) return `${path} is an absolute path`;
  if (norm.split('/').includes('..')) return `${path} escapes the plugin folder`;
  return undefined;
}

async function extract(file: string, into: string, from: string): Promise<void> {
  const problems: string[] = [];
  // First pass: list and check every entry; nothing is written unless all are safe.
  try {
    await tar.t({
      file,
      onReadEntry: (entry) => {
        const why = unsafeEntry(entry.path, entry.type);
        if (why) problems.push(why);
      },
    });
  } catch (e) {
    installFailed(from, `${file} is not a readable tarball`, e);
  }
  if (problems.length) installFailed(from, `unsafe tarball entries: ${problems.slice(0, 5).join('; ')}`);
  try {
    await tar.x({
      file,
      cwd: into,
      strict: true,
      preservePaths: false,
      filter: (path, entry) => !unsafeEntry(path, (entry as tar.ReadEntry).type),
    });
  } catch (e) {
    installFailed(from, `extracting ${file} failed: ${(e as Error).message}`, e);
  }
}

/** The folder holding plugin.json: the extraction root, or its single top folder (`package/` for npm tarballs). */
async function findPluginRoot(dir: string, from: string): Promise<string> {
  if (
    await stat(join(dir, MANIFEST_FILE)).then(
      () => true,
      () => false,
    )
  )
    return dir;
  const entries = await readdir(dir, { withFileTypes: true });
  if (entries.length === 1 && entries[0]?.isDirectory()) {
    const inner = join(dir, entries[0].name);
    if (
      await stat(join(inner, MANIFEST_FILE)).then(
        () => true,
        () => false,
      )
    )
      return inner;
  }
  installFailed(from, 'the package has no plugin.json at its root (is it a NeonHub plugin?)');
}

/**
 * Installs a plugin into `<dataDir>/plugins/<id>` from an npm spec (via `npm pack --ignore-scripts`)
 * or a local tarball, replacing an installed plugin of the same id. Validates the manifest
 * (no plugin code runs). Does not touch plugins.lock.json: run lock deliberately afterwards.
 * Errors: NH_PLUGIN_INSTALL_FAILED, with the manifest error (if any) as cause and in details.
 */
export async function installPlugin(opts: InstallOptions): Promise<DiscoveredPlugin> {
  const { from } = opts;
  const pluginsDir = resolve(opts.dataDir, 'plugins');
  await mkdir(pluginsDir, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'neonhub-install-'));
  const staging = await mkdtemp(join(pluginsDir, '.staging-'));
  try {
    let tarball: string;
    let source: (path: string) => PluginSource;
    if (isTarballPath(from)) {
      tarball = resolve(from);
      if (
        !(await stat(tarball).then(
          (s) => s.isFile(),
          () => false,
        ))
      )
        installFailed(from, `${tarball} does not exist`);
      source = (path) => ({ type: 'tarball', file: tarball, path });
    } else {
      tarball = await npmPack(from, work);
      source = (path) => ({ type: 'npm', spec: from, path });
    }
    await extract(tarball, staging, from);
    const root = await findPluginRoot(staging, from);
    let manifest: Awaited<ReturnType<typeof readManifest>>;
    try {
      manifest = await readManifest(root);
    } catch (e) {
      installFailed(from, isNeonHubError(e) ? `${e.code}: ${e.message}` : String(e), e);
    }
    const target = join(pluginsDir, manifest.id);
    const old = `${target}.old-${process.pid}`;
    const hadOld = await stat(target).then(
      () => true,
      () => false,
    );
    if (hadOld) await rename(target, old);
    try {
      await rename(root, target);
    } catch (e) {
      if (hadOld) await rename(old, target);
      installFailed(from, `moving the plugin into ${target} failed`, e);
    }
    if (hadOld) await rm(old, { recursive: true, force: true });
    const src = source(target);
    await writeFile(sourceMarkerPath(pluginsDir, manifest.id), `${JSON.stringify(src, null, 2)}\n`);
    return { id: manifest.id, dir: target, manifest, source: src };
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(staging, { recursive: true, force: true });
  }
}
