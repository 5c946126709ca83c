import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { isNeonHubError, type NeonHubError, type PluginManifest, type PluginSource, PluginSourceSchema } from '@neonhub/schemas';
import { hostErrors } from '../errors.js';
import { checkContained } from './contained.js';
import { MANIFEST_FILE, readManifest } from './manifest.js';

/** A plugin folder whose manifest is valid. Nothing of its code has been imported. */
export interface DiscoveredPlugin {
  id: string;
  /** Absolute path of the plugin folder. */
  dir: string;
  manifest: PluginManifest;
  source: PluginSource;
}

export interface DiscoveryError {
  dir: string;
  error: NeonHubError;
}

export interface DiscoveryResult {
  plugins: DiscoveredPlugin[];
  errors: DiscoveryError[];
}

export interface DiscoverOptions {
  /** Workspace sources are recorded relative to this folder (default: process.cwd()). */
  repoRoot?: string;
}

/** installPlugin records where an installed plugin came from in `<root>/<folder>.source.json`, beside the folder. */
export function sourceMarkerPath(root: string, folder: string): string {
  return join(root, `${folder}.source.json`);
}

async function readSourceMarker(root: string, folder: string): Promise<PluginSource | undefined> {
  try {
    const parsed = PluginSourceSchema.safeParse(JSON.parse(await readFile(sourceMarkerPath(root, folder), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

async function candidateFolders(root: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    return []; // a root that does not exist yet (no plugins installed) holds no plugins
  }
  const names = entries.filter((e) => (e.isDirectory() || e.isSymbolicLink()) && !e.name.startsWith('.')).map((e) => e.name);
  names.sort();
  const out: string[] = [];
  for (const name of names) if (await exists(join(root, name, MANIFEST_FILE))) out.push(name);
  return out;
}

function toNeonHubError(e: unknown, dir: string): NeonHubError {
  if (isNeonHubError(e)) return e;
  return hostErrors.create('NH_MANIFEST_UNREADABLE', `reading the plugin in ${dir} failed: ${String(e)}`, { details: { dir }, cause: e });
}

/**
 * Finds plugins in the immediate subfolders of each root that hold a plugin.json (e.g.
 * `<repo>/plugins`, `<repo>/mcp-servers`, `<dataDir>/plugins`). Reads manifests only; a bad
 * folder is reported in `errors` and skipped, never thrown: among them a folder holding a link that resolves
 * outside it (NH_PLUGIN_PATH_ESCAPES, see contained.ts). Roots are scanned in the order
 * given, folders by name; a second folder with an id already seen gets NH_PLUGIN_DUPLICATE_ID.
 */
export async function discoverPlugins(roots: string[], opts: DiscoverOptions = {}): Promise<DiscoveryResult> {
  const repoRoot = resolve(opts.repoRoot ?? process.cwd());
  const plugins: DiscoveredPlugin[] = [];
  const errors: DiscoveryError[] = [];
  const byId = new Map<string, DiscoveredPlugin>();
  for (const rootArg of roots) {
    const root = resolve(rootArg);
    for (const folder of await candidateFolders(root)) {
      const dir = join(root, folder);
      let manifest: PluginManifest;
      try {
        // Before reading anything: a plugin.json linked to a device or outside the folder is never opened.
        await checkContained(dir);
        manifest = await readManifest(dir);
      } catch (e) {
        errors.push({ dir, error: toNeonHubError(e, dir) });
        continue;
      }
      const first = byId.get(manifest.id);
      if (first) {
        errors.push({
          dir,
          error: hostErrors.create(
            'NH_PLUGIN_DUPLICATE_ID',
            `plugin id ${manifest.id} in ${dir} is already used by ${first.dir}; the second is skipped`,
            {
              details: { id: manifest.id, dir, firstDir: first.dir },
            },
          ),
        });
        continue;
      }
      const source = (await readSourceMarker(root, folder)) ?? {
        type: 'workspace' as const,
        path: relative(repoRoot, dir).split(sep).join('/'),
      };
      const plugin: DiscoveredPlugin = { id: manifest.id, dir, manifest, source };
      byId.set(manifest.id, plugin);
      plugins.push(plugin);
    }
  }
  return { plugins, errors };
}
