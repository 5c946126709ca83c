import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { PluginManifest } from '@neonhub/schemas';
import { type HostConfig, loadConfig } from '../config.js';
import { lockDataDir } from '../data-dir-lock.js';
import type { Host } from '../host.js';
import type { Storage } from '../storage.js';
import { progress } from './output.js';

/** The NeonHub folder this CLI belongs to (host/src/cli -> the folder holding host/). */
export const checkoutRoot = resolve(import.meta.dirname, '../../..');
/** The CLI's executable: what MCP clients' stdio configs start (`node <cliBin> mcp --workspace <slug>`). */
export const cliBin = join(checkoutRoot, 'host/bin/neonhub.js');

/**
 * The NeonHub root (where plugins.lock.json lives): $NEONHUB_ROOT, else the nearest folder up from the
 * working directory that has one, else this CLI's own folder (an MCP client starts it from anywhere).
 */
export function findRoot(from = process.cwd()): string {
  if (process.env.NEONHUB_ROOT) return resolve(process.env.NEONHUB_ROOT);
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'plugins.lock.json'))) return dir;
    if (dirname(dir) === dir) return existsSync(join(checkoutRoot, 'plugins.lock.json')) ? checkoutRoot : resolve(from);
  }
}

export function cliConfig(): HostConfig {
  return loadConfig(process.env, findRoot());
}

/**
 * Opens only the storage for one CLI command that needs no plugin runtime (workspaces, tokens, accounts,
 * connections, enablement): the database, migrated as the host migrates it (so a first run works), and the
 * services over it; no plugins, queues, schedule runner or lock watch, and not the host's module graph.
 * The data directory is locked as by `withHost` (a running host's holder gets NH_DATA_DIR_LOCKED; commands
 * check `runningHost()` first and go through its API). `manifests`: the installed plugins' manifests are read
 * (no plugin code runs), for commands that validate a plugin's config, secrets or connection fields.
 */
export async function withStorage<T>(opts: { purpose: string; manifests?: boolean }, fn: (storage: Storage) => Promise<T>): Promise<T> {
  const config = cliConfig();
  const release = config.databaseUrl ? () => {} : lockDataDir(config.dataDir, opts.purpose);
  const p = progress('opening the database');
  let storage: Storage | undefined;
  try {
    const [{ openStorage }, { createLogger }] = await Promise.all([import('../storage.js'), import('../logger.js')]);
    const manifests = opts.manifests ? await installedManifests(config) : new Map<string, PluginManifest>();
    storage = await openStorage(config, createLogger(process.env.LOG_LEVEL ?? 'warn'), (id) => manifests.get(id));
    p.done();
    return await fn(storage);
  } finally {
    p.done();
    await storage?.close();
    release();
  }
}

/** The installed plugins' manifests by id, as a host without plugin code reads them (manifests only). */
async function installedManifests(config: HostConfig): Promise<Map<string, PluginManifest>> {
  const [{ discoverPlugins }, { pluginRoots }] = await Promise.all([import('../plugins/discover.js'), import('../plugin-loading.js')]);
  const found = await discoverPlugins(pluginRoots(config), { repoRoot: config.rootDir });
  return new Map(found.plugins.map((p) => [p.id, p.manifest]));
}

/** Boots a host for one CLI command that runs plugin code, with a progress line, and closes it afterwards. */
export async function withHost<T>(
  opts: { plugins?: boolean; forCall?: string; seed?: boolean; quiet?: boolean; purpose: string; waitForPlugins?: boolean },
  fn: (host: Host) => Promise<T>,
): Promise<T> {
  const config = cliConfig();
  const release = config.databaseUrl ? () => {} : lockDataDir(config.dataDir, opts.purpose);
  const p = opts.quiet ? { update() {}, done() {} } : progress('starting');
  let host: Host | undefined;
  try {
    // Imported here, not at the top: a command that only forwards to a running host never loads the host (docs/benchmarks.md).
    const [{ createHost }, { createLogger }] = await Promise.all([import('../host.js'), import('../logger.js')]);
    host = await createHost({
      config,
      logger: createLogger(process.env.LOG_LEVEL ?? 'warn'),
      ...(opts.plugins === undefined ? {} : { plugins: opts.plugins }),
      ...(opts.forCall ? { forCall: opts.forCall } : {}),
      seed: opts.seed ?? false,
      ...(opts.waitForPlugins === undefined ? {} : { waitForPlugins: opts.waitForPlugins }),
      onProgress: (text) => p.update(text),
    });
    p.done();
    return await fn(host);
  } finally {
    p.done();
    await host?.close();
    release();
  }
}
