import type { Dirent } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { hostErrors } from '../errors.js';

/**
 * A plugin's files stay inside its folder. Every file the host reads, packs, bundles or lets an isolated plugin
 * read is resolved with realpath and must land inside the folder's own realpath: a symbolic link to `/` (or to the
 * data directory's secret.key) is refused, a link to another file of the plugin is fine. Installed plugins hold no
 * links at all (install refuses them); this covers folders placed by hand under `plugins/`.
 *
 * `node_modules` and `.git` are not walked: pnpm links packages there by design, an isolated plugin is never given
 * read access to them (it runs from its bundle), and bundling checks every input it takes (runtimes/bundle.ts).
 */

/** Folder names not walked (see above). */
export const UNWALKED = new Set(['node_modules', '.git']);
/** A plugin folder with more entries than this is refused rather than walked forever. */
const MAX_ENTRIES = 50_000;

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function escapes(dir: string, problems: string[], details: Record<string, unknown> = {}): never {
  const shown = problems.slice(0, 5).join('; ') + (problems.length > 5 ? `; and ${problems.length - 5} more` : '');
  throw hostErrors.create('NH_PLUGIN_PATH_ESCAPES', `plugin folder ${dir} is refused: ${shown}`, {
    details: { dir, problems: problems.slice(0, 50), ...details },
  });
}

/** Why `path` (a link or a file inside `root`) is not acceptable, or undefined when it resolves to a regular file or folder inside `root`. */
async function problemOf(root: string, path: string, entry: { isSymbolicLink(): boolean }): Promise<string | undefined> {
  const rel = relative(root, path).split(sep).join('/');
  let real = path;
  if (entry.isSymbolicLink()) {
    try {
      real = await realpath(path);
    } catch {
      return `${rel} is a link that does not resolve`;
    }
    if (!isInside(root, real)) return `${rel} is a link to ${real}, outside the plugin folder`;
  }
  const info = await stat(real);
  if (!info.isFile() && !info.isDirectory()) return `${rel} is not a regular file or folder`;
  return undefined;
}

/**
 * Walks the plugin folder (not `node_modules`, `.git`) and throws NH_PLUGIN_PATH_ESCAPES when any entry is a link
 * resolving outside it (or dangling), or is not a regular file or folder (a FIFO or device could hang a reader).
 * Returns the folder's realpath.
 */
export async function checkContained(dir: string): Promise<string> {
  const root = await realpath(dir);
  const problems: string[] = [];
  const todo = [root];
  let seen = 0;
  for (let folder = todo.pop(); folder !== undefined; folder = todo.pop()) {
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (e) {
      problems.push(`${relative(root, folder) || '.'} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      continue;
    }
    for (const e of entries) {
      if (++seen > MAX_ENTRIES) escapes(dir, [`more than ${MAX_ENTRIES} files`]);
      const path = join(folder, e.name);
      if (e.isDirectory() && UNWALKED.has(e.name)) continue;
      const why = await problemOf(root, path, e);
      if (why) problems.push(why);
      else if (e.isDirectory()) todo.push(path); // a link to a folder inside is walked where it really is
    }
  }
  if (problems.length) escapes(dir, problems);
  return root;
}

/**
 * The realpath of `rel` inside the plugin folder `root` (itself a realpath); NH_PLUGIN_PATH_ESCAPES when it leaves
 * the folder or is not a regular file. For reading one file of a plugin (packing, bundling).
 */
export async function resolveInside(root: string, rel: string): Promise<string> {
  const path = join(root, rel);
  const problem = await problemOf(root, path, await lstat(path));
  if (problem) escapes(root, [problem]);
  // a link inside the folder may name a folder of links: the final realpath decides
  const real = await realpath(path);
  if (!isInside(root, real)) escapes(root, [`${rel} resolves to ${real}, outside the plugin folder`]);
  if (!(await stat(real)).isFile()) escapes(root, [`${rel} is not a regular file`]);
  return real;
}

/**
 * What an isolated plugin may read: the realpath of each top-level entry of its folder except `node_modules` and
 * `.git` (its code runs from the bundle). Call after checkContained, so no entry leads outside.
 */
export async function readablePaths(dir: string): Promise<string[]> {
  const root = await realpath(dir);
  const out = new Set<string>();
  for (const e of await readdir(root, { withFileTypes: true })) {
    if (UNWALKED.has(e.name)) continue;
    // Node checks the path asked for, then follows links: grant a link inside by its own name and its target's.
    const path = join(root, e.name);
    const real = await realpath(path);
    if (isInside(root, real)) out.add(path).add(real);
  }
  return [...out].sort();
}
