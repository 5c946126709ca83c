import { createHash } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isNeonHubError } from '@neonhub/schemas';
import packlist, { type PacklistTree } from 'npm-packlist';
import { hostErrors } from '../errors.js';
import { resolveInside } from './contained.js';
import { MANIFEST_FILE } from './manifest.js';

/** The digest of a plugin folder: one SRI integrity for the lock, one hash per file for diagnostics. */
export interface PackDigest {
  /** `sha512-<base64>` over every packed file, in a canonical framing. */
  integrity: string;
  /** Relative path (posix) -> `sha256-<base64>` of the file's bytes. */
  files: Record<string, string>;
}

/** Bumped if the framing below ever changes, so old and new integrities never collide. */
const FRAMING = 'neonhub-pack-v1';

async function readPackageJson(dir: string): Promise<Record<string, unknown> | undefined> {
  try {
    const pkg: unknown = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    return typeof pkg === 'object' && pkg !== null && !Array.isArray(pkg) ? (pkg as Record<string, unknown>) : {};
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return {}; // unreadable package.json: packlist's own defaults apply; readManifest reports it
  }
}

/**
 * The files `npm pack` would put in the tarball (npm-packlist: package.json `files`,
 * .npmignore/.gitignore, npm's defaults), plus plugin.json always, sorted by code unit.
 * Only a package with bundleDependencies needs @npmcli/arborist's full tree (slow: ~0.4 s);
 * every other package is walked from a root-only tree, which is all npm-packlist reads then.
 */
export async function listPackedFiles(dir: string): Promise<string[]> {
  const abs = resolve(dir);
  const pkg = await readPackageJson(abs);
  const bundled = pkg?.bundleDependencies ?? pkg?.bundledDependencies;
  let tree: PacklistTree;
  if (bundled === true || (Array.isArray(bundled) && bundled.length > 0)) {
    const { default: Arborist } = await import('@npmcli/arborist');
    tree = await new Arborist({ path: abs }).loadActual();
  } else {
    tree = { path: abs, package: pkg ?? {}, isProjectRoot: true, edgesOut: new Map() };
  }
  const files = new Set(await packlist(tree));
  files.add(MANIFEST_FILE);
  return [...files].map((f) => f.replace(/\\/g, '/')).sort();
}

function sriOf(algorithm: 'sha256' | 'sha512', data: Buffer): string {
  return `${algorithm}-${createHash(algorithm).update(data).digest('base64')}`;
}

/**
 * Hashes the packed files: for each file in sorted order, a netstring of its path, a netstring
 * header of its length, then its bytes. Deterministic, and any one changed byte, renamed,
 * added or removed file changes the result.
 */
export async function computePackDigest(dir: string): Promise<PackDigest> {
  const abs = resolve(dir);
  const root = await realpath(abs);
  const paths = await listPackedFiles(abs);
  const hash = createHash('sha512').update(`${FRAMING}\n`);
  const files: Record<string, string> = {};
  for (const rel of paths) {
    let bytes: Buffer;
    try {
      // every packed file is read where it really is, and only if that is inside the folder (NH_PLUGIN_PATH_ESCAPES)
      bytes = await readFile(await resolveInside(root, rel));
    } catch (e) {
      if (isNeonHubError(e)) throw e;
      throw hostErrors.create('NH_MANIFEST_UNREADABLE', `cannot read ${rel} in ${abs} to compute its integrity`, {
        details: { dir: abs, file: rel },
        cause: e,
      });
    }
    const name = Buffer.from(rel, 'utf8');
    hash.update(`${name.length}:`).update(name).update(`,${bytes.length}:`).update(bytes).update(',');
    files[rel] = sriOf('sha256', bytes);
  }
  return { integrity: `sha512-${hash.digest('base64')}`, files };
}

/** SRI `sha512-...` of the plugin's packed contents. */
export async function computeIntegrity(dir: string): Promise<string> {
  return (await computePackDigest(dir)).integrity;
}
