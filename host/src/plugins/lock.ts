import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Isolation, LockEntry, Lockfile, ToolDefinition } from '@neonhub/schemas';
import { LockfileSchema } from '@neonhub/schemas';
import { hostErrors } from '../errors.js';
import type { DiscoveredPlugin } from './discover.js';
import { diffLocks, type LockDiff } from './lock-diff.js';
import { computePackDigest } from './pack.js';
import { toolFieldHashes, toolHash } from './tool-hash.js';

export { toolHash } from './tool-hash.js';

export const LOCKFILE_NAME = 'plugins.lock.json';

export function emptyLockfile(): Lockfile {
  return { lockfileVersion: 1, plugins: {} };
}

/** Reads plugins.lock.json. A missing file is an empty lock; anything invalid is NH_LOCK_INVALID. */
export async function readLockfile(path: string): Promise<Lockfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyLockfile();
    throw hostErrors.create('NH_LOCK_INVALID', `${path} could not be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, {
      details: { path },
      cause: e,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw hostErrors.create('NH_LOCK_INVALID', `${path} is not valid JSON: ${(e as Error).message}`, { details: { path }, cause: e });
  }
  const parsed = LockfileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    const first = issues[0];
    throw hostErrors.create(
      'NH_LOCK_INVALID',
      `${path} does not match the lockfile schema: ${first?.path || '(root)'}: ${first?.message}`,
      {
        details: { path, issues },
      },
    );
  }
  return parsed.data;
}

function sortRecord<V>(rec: Record<string, V>, map: (v: V) => V = (v) => v): Record<string, V> {
  const out: Record<string, V> = {};
  for (const key of Object.keys(rec).sort()) out[key] = map(rec[key] as V);
  return out;
}

/** The lock with every key in a fixed order: plugins, tools and files sorted; entry fields in schema order. */
export function normalizeLockfile(lock: Lockfile): Lockfile {
  return {
    lockfileVersion: 1,
    plugins: sortRecord(lock.plugins, (e) => ({
      version: e.version,
      source: e.source,
      integrity: e.integrity,
      isolation: e.isolation,
      tools: sortRecord(e.tools),
      ...(e.toolFields ? { toolFields: sortRecord(e.toolFields, (f) => sortRecord(f)) } : {}),
      ...(e.files ? { files: sortRecord(e.files) } : {}),
    })),
  };
}

export function serializeLockfile(lock: Lockfile): string {
  return `${JSON.stringify(normalizeLockfile(lock), null, 2)}\n`;
}

/** Writes the lock atomically (temp file in the same folder, then rename), keys in a stable order. */
export async function writeLockfile(path: string, lock: Lockfile): Promise<void> {
  const checked = LockfileSchema.parse(lock);
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${LOCKFILE_NAME}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, serializeLockfile(checked), { flag: 'wx' });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

function isMcp(plugin: DiscoveredPlugin): boolean {
  return plugin.manifest.runtime.type !== 'module';
}

/** Tool hashes for a lock entry. */
export function hashTools(tools: ToolDefinition[]): Pick<LockEntry, 'tools' | 'toolFields'> {
  const hashes: Record<string, string> = {};
  const fields: Record<string, Record<string, string>> = {};
  for (const t of tools) {
    hashes[t.name] = toolHash(t);
    fields[t.name] = toolFieldHashes(t);
  }
  return { tools: hashes, toolFields: fields };
}

export interface LockEntryOptions {
  /** Tools of an MCP-server plugin as listed after connecting. */
  tools?: ToolDefinition[];
  isolation?: Isolation;
  /** The entry being replaced: its tools are kept for an MCP plugin when `tools` is not given. */
  previous?: LockEntry;
}

/** First-party (workspace) module plugins run in-process; installed ones and every MCP server run isolated unless the admin says otherwise. */
function defaultIsolation(plugin: DiscoveredPlugin): Isolation {
  return !isMcp(plugin) && plugin.source.type === 'workspace' ? 'in-process' : 'isolated';
}

/**
 * Computes a plugin's lock entry. Module plugins pin the tools their manifest declares;
 * MCP-server plugins pin `opts.tools` (listed at connect time), else the previous entry's
 * tools, else whatever their manifest declares.
 */
export async function computeLockEntry(plugin: DiscoveredPlugin, opts: LockEntryOptions = {}): Promise<LockEntry> {
  const digest = await computePackDigest(plugin.dir);
  let tools: Pick<LockEntry, 'tools' | 'toolFields'>;
  if (!isMcp(plugin)) tools = hashTools(plugin.manifest.tools);
  else if (opts.tools) tools = hashTools(opts.tools);
  else if (opts.previous)
    tools = { tools: opts.previous.tools, ...(opts.previous.toolFields ? { toolFields: opts.previous.toolFields } : {}) };
  else tools = hashTools(plugin.manifest.tools);
  return {
    version: plugin.manifest.version,
    source: plugin.source,
    integrity: digest.integrity,
    isolation: opts.isolation ?? opts.previous?.isolation ?? defaultIsolation(plugin),
    ...tools,
    files: digest.files,
  };
}

export interface LockPluginsOptions {
  lockPath: string;
  /** Every plugin discovered now. Locked plugins missing from this list are removed (unless `only` is given). */
  plugins: DiscoveredPlugin[];
  /** Lock only these ids; every other entry stays as it is. An id not in `plugins` is NH_PLUGIN_NOT_FOUND. */
  only?: string[];
  /** Tools of MCP-server plugins, listed after connecting to them. */
  extraTools?: Record<string, ToolDefinition[]>;
  /** Isolation per plugin id; otherwise the previous entry's, else in-process for a first-party module plugin and isolated for the rest. */
  isolation?: Record<string, Isolation>;
  /** Compute and diff only; leave the file as it is. */
  dryRun?: boolean;
}

/** Computes lock entries, writes plugins.lock.json (unless dryRun) and returns the new lock and what changed. */
export async function lockPlugins(opts: LockPluginsOptions): Promise<{ lock: Lockfile; diff: LockDiff }> {
  const before = await readLockfile(opts.lockPath);
  const byId = new Map(opts.plugins.map((p) => [p.id, p]));
  for (const id of opts.only ?? []) {
    if (!byId.has(id))
      throw hostErrors.create('NH_PLUGIN_NOT_FOUND', `cannot lock ${id}: no installed plugin has this id`, { details: { id } });
  }
  const targets = opts.only ? opts.only.map((id) => byId.get(id) as DiscoveredPlugin) : opts.plugins;
  const plugins: Record<string, LockEntry> = opts.only ? { ...before.plugins } : {};
  for (const plugin of targets) {
    const previous = before.plugins[plugin.id];
    const tools = opts.extraTools?.[plugin.id];
    const isolation = opts.isolation?.[plugin.id];
    plugins[plugin.id] = await computeLockEntry(plugin, {
      ...(tools ? { tools } : {}),
      ...(isolation ? { isolation } : {}),
      ...(previous ? { previous } : {}),
    });
  }
  const lock = normalizeLockfile({ lockfileVersion: 1, plugins });
  if (!opts.dryRun) await writeLockfile(opts.lockPath, lock);
  return { lock, diff: diffLocks(before, lock) };
}
