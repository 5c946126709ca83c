import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { isNeonHubError, type PluginSource } from '@neonhub/schemas';
import * as tar from 'tar';
import { hostErrors } from '../errors.js';
import type { DiscoveredPlugin } from './discover.js';
import { discoverPlugins, sourceMarkerPath } from './discover.js';
import { MANIFEST_FILE, readManifest } from './manifest.js';

const run = promisify(execFile);

export interface InstallOptions {
  /** An npm spec (`@scope/pkg@1.2.3`, `pkg`, anything `npm pack` accepts) or a path to a `.tgz`. */
  from: string;
  /** The data directory; the plugin lands in `<dataDir>/plugins/<id>`. */
  dataDir: string;
  /**
   * Every folder plugins are discovered in (first-party `plugins/`, `mcp-servers/`, `<dataDir>/plugins`): an id
   * used in any of them is taken. `<dataDir>/plugins` is always checked.
   */
  roots?: string[];
  /** Replace an installed plugin of the same id, only when it comes from the same package (package.json name). */
  replace?: boolean;
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
  if (type === 'FIFO' || type === 'CharacterDevice' || type === 'BlockDevice') return `${path} is not a regular file`;
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

async function packageName(dir: string): Promise<string | undefined> {
  try {
    const name = (JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name;
    return typeof name === 'string' && name ? name : undefined;
  } catch {
    return undefined;
  }
}

function idTaken(id: string, from: string, why: string, details: Record<string, unknown>): never {
  throw hostErrors.create('NH_PLUGIN_ID_TAKEN', `installing ${from} refused: plugin id ${id} ${why}`, {
    details: { id, from, ...details },
  });
}

/**
 * Plugin ids are unique across first-party plugins, outside servers and installed plugins: an install never
 * takes over an id that another folder holds (that is how a tarball named `governance` replaced the policy
 * plugin's lock entry). Replacing an installed plugin needs `replace` and the same package name.
 */
async function checkIdFree(o: { id: string; root: string; target: string; from: string; replace: boolean; roots: string[] }) {
  const { id, from, target } = o;
  const found = await discoverPlugins([...new Set(o.roots.map((r) => resolve(r)))]);
  const other = found.plugins.find((p) => p.id === id && resolve(p.dir) !== resolve(target));
  if (other)
    idTaken(
      id,
      from,
      `is already used by ${other.dir} (${other.source.type === 'workspace' ? 'first-party' : other.source.type}); an install cannot replace it`,
      { dir: other.dir },
    );
  const installed = await stat(target).then(
    () => true,
    () => false,
  );
  if (!installed) return;
  if (!o.replace)
    idTaken(id, from, `is already installed in ${target}; pass --replace to upgrade it from the same package`, { dir: target });
  const [was, now] = [await packageName(target), await packageName(o.root)];
  if (!was || was !== now)
    idTaken(
      id,
      from,
      `is installed from package ${was ?? '(no package.json)'}, not ${now ?? '(no package.json)'}; --replace only replaces the same package`,
      {
        dir: target,
        installedPackage: was ?? null,
        package: now ?? null,
      },
    );
}

/**
 * Installs a plugin into `<dataDir>/plugins/<id>` from an npm spec (via `npm pack --ignore-scripts`)
 * or a local tarball. Places files only: validates the manifest, runs no plugin code and no server
 * command, and does not touch plugins.lock.json (the host refuses the plugin until an admin runs
 * `neonhub plugin lock <id>`). Errors: NH_PLUGIN_INSTALL_FAILED (with the manifest error, if any, as
 * cause and in details); NH_PLUGIN_ID_TAKEN when the id is used by another folder, or is installed
 * already and `replace` is not given or the package differs.
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
    await checkIdFree({ id: manifest.id, root, target, from, replace: opts.replace === true, roots: [...(opts.roots ?? []), pluginsDir] });
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
