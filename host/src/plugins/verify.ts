import type { LockEntry, Lockfile, ToolDefinition } from '@neonhub/schemas';
import { hostErrors } from '../errors.js';
import type { DiscoveredPlugin } from './discover.js';
import { hashTools } from './lock.js';
import { diffFiles, type FilesDiff } from './lock-diff.js';
import { computePackDigest } from './pack.js';
import { changedToolFields } from './tool-hash.js';

export interface ToolComparison {
  unchanged: string[];
  changed: string[];
  added: string[];
  removed: string[];
  /** For each changed tool, the pinned fields that differ (description, inputSchema, outputSchema, sideEffect, name); empty when the lock has no per-field hashes. */
  changedFields: Record<string, string[]>;
}

/**
 * Compares tools (from a manifest, or as an MCP server lists them at connect time) with the
 * hashes pinned in a lock entry. Names are sorted.
 */
export function compareTools(_pluginId: string, tools: ToolDefinition[], entry: LockEntry): ToolComparison {
  const now = hashTools(tools);
  const out: ToolComparison = { unchanged: [], changed: [], added: [], removed: [], changedFields: {} };
  for (const name of Object.keys(now.tools).sort()) {
    const pinned = entry.tools[name];
    if (pinned === undefined) out.added.push(name);
    else if (pinned === now.tools[name]) out.unchanged.push(name);
    else {
      out.changed.push(name);
      out.changedFields[name] = changedToolFields(entry.toolFields?.[name], now.toolFields?.[name] ?? {});
    }
  }
  out.removed = Object.keys(entry.tools)
    .filter((n) => !(n in now.tools))
    .sort();
  return out;
}

function describeToolChanges(c: ToolComparison): string {
  const parts = [
    ...c.changed.map((n) => `${n} (${c.changedFields[n]?.length ? `${c.changedFields[n]?.join(', ')} changed` : 'definition changed'})`),
    ...c.added.map((n) => `${n} (added)`),
    ...c.removed.map((n) => `${n} (removed)`),
  ];
  return parts.join('; ');
}

function describeFiles(f: FilesDiff | undefined): string {
  if (!f) return '';
  const parts = [...f.changed.map((p) => `${p} changed`), ...f.added.map((p) => `${p} added`), ...f.removed.map((p) => `${p} removed`)];
  if (parts.length === 0) return '';
  return ` (${parts.slice(0, 5).join(', ')}${parts.length > 5 ? `, and ${parts.length - 5} more` : ''})`;
}

const RELOCK = (id: string) => `if the change is intended, review it and run \`neonhub plugin lock ${id}\``;

/**
 * Checks a discovered plugin against plugins.lock.json before any of its code is imported.
 * Reads files only. Throws NH_PLUGIN_NOT_LOCKED, NH_PLUGIN_VERSION_MISMATCH,
 * NH_PLUGIN_TOOL_CHANGED (a module plugin's manifest tools differ; checked before the bytes,
 * because it is the more specific finding: details also carry the integrity comparison) or
 * NH_PLUGIN_LOCK_MISMATCH (packed bytes differ; details name the files when the lock has
 * per-file hashes). MCP-server plugins' tools are compared at connect time with compareTools.
 */
export async function verifyAgainstLock(plugin: DiscoveredPlugin, lock: Lockfile): Promise<void> {
  const { id, manifest } = plugin;
  const entry = lock.plugins[id];
  if (!entry)
    throw hostErrors.create(
      'NH_PLUGIN_NOT_LOCKED',
      `plugin ${id} (${plugin.dir}) is not in plugins.lock.json; run \`neonhub plugin lock ${id}\` to pin it`,
      {
        details: { id, dir: plugin.dir },
      },
    );
  if (entry.version !== manifest.version)
    throw hostErrors.create(
      'NH_PLUGIN_VERSION_MISMATCH',
      `plugin ${id} is version ${manifest.version} but plugins.lock.json pins ${entry.version}; ${RELOCK(id)}`,
      { details: { id, expected: entry.version, actual: manifest.version } },
    );
  const digest = await computePackDigest(plugin.dir);
  const integrity = {
    expected: entry.integrity,
    actual: digest.integrity,
    matches: entry.integrity === digest.integrity,
    ...(entry.files ? { files: diffFiles(entry, digest) } : {}),
  };
  if (manifest.runtime.type === 'module') {
    const tools = compareTools(id, manifest.tools, entry);
    if (tools.changed.length || tools.added.length || tools.removed.length) {
      throw hostErrors.create(
        'NH_PLUGIN_TOOL_CHANGED',
        `plugin ${id}: tool ${describeToolChanges(tools)} differs from plugins.lock.json; a changed tool description can be an attack on the model: ${RELOCK(id)}`,
        { details: { id, tools, integrity } },
      );
    }
  }
  if (!integrity.matches) {
    throw hostErrors.create(
      'NH_PLUGIN_LOCK_MISMATCH',
      `plugin ${id}: packed contents differ from the integrity in plugins.lock.json${describeFiles(integrity.files)}; ${RELOCK(id)}`,
      { details: { id, dir: plugin.dir, ...integrity } },
    );
  }
}
