import { execFile } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type PluginManifest, PluginManifestSchema, type PluginSource } from '@neonhub/schemas';
import semver from 'semver';
import { hostErrors } from '../errors.js';
import { HOST_API_VERSION } from '../version.js';
import { type DiscoveredPlugin, discoverPlugins, sourceMarkerPath } from './discover.js';

const run = promisify(execFile);

/** What the registry says about a package (`npm view`: metadata only, nothing downloaded or run). */
export interface NpmPackageInfo {
  name: string;
  version: string;
  description?: string;
  bin?: Record<string, string> | string;
}

export async function npmView(spec: string): Promise<NpmPackageInfo> {
  try {
    const { stdout } = await run('npm', ['view', spec, 'name', 'version', 'description', 'bin', '--json'], { timeout: 60_000 });
    const parsed = JSON.parse(stdout) as NpmPackageInfo | NpmPackageInfo[];
    // A range matching several versions answers a list, oldest first: the newest is the one npx would run.
    const info = Array.isArray(parsed) ? parsed.at(-1) : parsed;
    if (!info?.name || !info.version) throw new Error('npm view printed no name or version');
    return info;
  } catch (cause) {
    const stderr = String((cause as { stderr?: string }).stderr ?? '').trim();
    throw hostErrors.create(
      'NH_PLUGIN_INSTALL_FAILED',
      `installing plugin from ${spec} failed: npm view failed${stderr ? `: ${stderr.split('\n').slice(-2).join(' ')}` : ` (${(cause as Error).message})`}`,
      { cause },
    );
  }
}

/** A package that can be started with `npx` (it has a bin): what an MCP server published on npm looks like. */
export const runnableWithNpx = (info: NpmPackageInfo) =>
  typeof info.bin === 'string' || (info.bin !== undefined && Object.keys(info.bin).length > 0);

/** `@modelcontextprotocol/server-filesystem` -> `filesystem`; `mcp-server-git` -> `git`; `foo-mcp` -> `foo`. */
export function mountId(packageName: string): string {
  const base = (packageName.split('/').pop() ?? packageName)
    .toLowerCase()
    .replace(/^(mcp-server-|server-|mcp-)/, '')
    .replace(/(-mcp-server|-mcp|-server)$/, '')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const id = /^[a-z]/.test(base) ? base : `mcp-${base}`;
  return id.length >= 2 ? id.slice(0, 64) : 'mcp-server';
}

export interface McpMountOptions {
  /** The npm spec given to `plugin install`. */
  spec: string;
  info: NpmPackageInfo;
  dataDir: string;
  /** Every plugin folder (an id used in any of them is taken). */
  roots: string[];
  /** The server's own arguments (a folder for server-filesystem, ...). */
  args: string[];
  id?: string;
  /** Host environment variables passed to the server besides HOME (which npx needs for its cache). */
  env?: string[];
}

/**
 * The manifest for an npm MCP server mounted over stdio: `npx -y <name>@<exact version> <args>`, HOME passed so
 * npx has a cache. It declares no tools: like every outside server's, they are listed and pinned when an admin
 * runs `neonhub plugin lock <id>` (nothing runs before that).
 */
/** How long a mounted server may take to start: its first start downloads it through npx. */
export const MOUNT_START_TIMEOUT_MS = 180_000;

export function mountManifest(o: Pick<McpMountOptions, 'info' | 'args' | 'id' | 'env'>): PluginManifest {
  const { info } = o;
  const version = semver.valid(info.version) ?? '0.0.0';
  return PluginManifestSchema.parse({
    id: o.id ?? mountId(info.name),
    version,
    kind: 'connector',
    name: info.name,
    description: (info.description?.trim() || `The MCP server ${info.name}`).slice(0, 1000),
    host: `^${HOST_API_VERSION}`,
    runtime: {
      type: 'mcp-stdio',
      command: 'npx',
      args: ['-y', `${info.name}@${info.version}`, ...o.args],
      env: [...new Set(['HOME', ...(o.env ?? [])])],
    },
    // npx downloads the package and its dependencies on the first start (on a cold npm cache that took 76 s here
    // for server-everything): the default 15 s would refuse a server that is only being fetched
    limits: { startTimeoutMs: MOUNT_START_TIMEOUT_MS },
  });
}

/**
 * Writes `<dataDir>/plugins/<id>/plugin.json` for an npm MCP server (and its source marker), after the same id
 * check as an install: an id used by another folder is NH_PLUGIN_ID_TAKEN. Runs nothing; the lock pins it later.
 */
export async function mountMcpServer(o: McpMountOptions): Promise<DiscoveredPlugin> {
  let manifest: PluginManifest;
  try {
    manifest = mountManifest(o);
  } catch (cause) {
    throw hostErrors.create('NH_PLUGIN_INSTALL_FAILED', `cannot mount ${o.spec}: ${(cause as Error).message}`, { cause });
  }
  const pluginsDir = resolve(o.dataDir, 'plugins');
  const dir = join(pluginsDir, manifest.id);
  const found = await discoverPlugins([...new Set([...o.roots, pluginsDir].map((r) => resolve(r)))]);
  const other = found.plugins.find((p) => p.id === manifest.id);
  const taken = await stat(dir).then(
    () => true,
    () => false,
  );
  if (other || taken)
    throw hostErrors.create(
      'NH_PLUGIN_ID_TAKEN',
      `mounting ${o.spec} refused: plugin id ${manifest.id} is already used by ${other?.dir ?? dir}; choose another with --id <id>`,
      { details: { id: manifest.id, dir: other?.dir ?? dir } },
    );
  await mkdir(dir, { recursive: true });
  try {
    await writeFile(join(dir, 'plugin.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const source: PluginSource = { type: 'npm', spec: `${o.info.name}@${o.info.version}`, path: dir };
    await writeFile(sourceMarkerPath(pluginsDir, manifest.id), `${JSON.stringify(source, null, 2)}\n`);
    return { id: manifest.id, dir, manifest, source };
  } catch (cause) {
    await rm(dir, { recursive: true, force: true });
    throw hostErrors.create('NH_PLUGIN_INSTALL_FAILED', `writing ${dir} failed: ${(cause as Error).message}`, { cause });
  }
}
