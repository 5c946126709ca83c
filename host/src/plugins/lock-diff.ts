import type { LockEntry, Lockfile, PluginSource } from '@neonhub/schemas';
import { changedToolFields } from './tool-hash.js';

export interface ToolsDiff {
  added: string[];
  removed: string[];
  /** Changed tools with the pinned fields that changed (empty when the old lock has no per-field hashes). */
  changed: { name: string; fields: string[] }[];
}

export interface FilesDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

export interface PluginChange {
  id: string;
  version?: { from: string; to: string };
  integrity?: { from: string; to: string; files?: FilesDiff };
  source?: { from: PluginSource; to: PluginSource };
  isolation?: { from: string; to: string };
  tools: ToolsDiff;
}

/** What `neonhub plugin lock` changed in plugins.lock.json. */
export interface LockDiff {
  added: { id: string; version: string; tools: string[] }[];
  removed: { id: string; version: string }[];
  changed: PluginChange[];
}

function diffKeys(before: Record<string, string>, after: Record<string, string>) {
  const added = Object.keys(after)
    .filter((k) => !(k in before))
    .sort();
  const removed = Object.keys(before)
    .filter((k) => !(k in after))
    .sort();
  const changed = Object.keys(after)
    .filter((k) => k in before && before[k] !== after[k])
    .sort();
  return { added, removed, changed };
}

/** Per-file differences, when both entries carry per-file hashes. */
export function diffFiles(before: LockEntry, after: { files?: Record<string, string> }): FilesDiff | undefined {
  if (!before.files || !after.files) return undefined;
  return diffKeys(before.files, after.files);
}

export function diffTools(before: LockEntry, after: Pick<LockEntry, 'tools' | 'toolFields'>): ToolsDiff {
  const d = diffKeys(before.tools, after.tools);
  return {
    added: d.added,
    removed: d.removed,
    changed: d.changed.map((name) => ({ name, fields: changedToolFields(before.toolFields?.[name], after.toolFields?.[name] ?? {}) })),
  };
}

function sameSource(a: PluginSource, b: PluginSource): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function diffLocks(before: Lockfile, after: Lockfile): LockDiff {
  const diff: LockDiff = { added: [], removed: [], changed: [] };
  for (const id of Object.keys(after.plugins).sort()) {
    const b = before.plugins[id];
    const a = after.plugins[id] as LockEntry;
    if (!b) {
      diff.added.push({ id, version: a.version, tools: Object.keys(a.tools).sort() });
      continue;
    }
    const change: PluginChange = { id, tools: diffTools(b, a) };
    if (b.version !== a.version) change.version = { from: b.version, to: a.version };
    if (b.integrity !== a.integrity) {
      const files = diffFiles(b, a);
      change.integrity = { from: b.integrity, to: a.integrity, ...(files ? { files } : {}) };
    }
    if (!sameSource(b.source, a.source)) change.source = { from: b.source, to: a.source };
    if (b.isolation !== a.isolation) change.isolation = { from: b.isolation, to: a.isolation };
    const t = change.tools;
    if (change.version || change.integrity || change.source || change.isolation || t.added.length || t.removed.length || t.changed.length)
      diff.changed.push(change);
  }
  for (const id of Object.keys(before.plugins).sort()) {
    if (!(id in after.plugins)) diff.removed.push({ id, version: (before.plugins[id] as LockEntry).version });
  }
  return diff;
}

export function isEmptyLockDiff(diff: LockDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}

function shortHash(h: string): string {
  return h.length > 20 ? `${h.slice(0, 19)}…` : h;
}

function describeSource(s: PluginSource): string {
  if (s.type === 'workspace') return `workspace ${s.path}`;
  if (s.type === 'npm') return `npm ${s.spec}`;
  return `tarball ${s.file}`;
}

function listFiles(label: string, files: string[]): string[] {
  if (files.length === 0) return [];
  const shown = files.slice(0, 10).join(', ');
  return [`      files ${label}: ${shown}${files.length > 10 ? `, … (${files.length - 10} more)` : ''}`];
}

/** A readable diff, one line per fact; "no changes" when nothing changed. */
export function formatLockDiff(diff: LockDiff): string {
  if (isEmptyLockDiff(diff)) return 'plugins.lock.json: no changes\n';
  const lines: string[] = [];
  for (const p of diff.added) {
    lines.push(
      `+ ${p.id} ${p.version} (new, ${p.tools.length} tool${p.tools.length === 1 ? '' : 's'}${p.tools.length ? `: ${p.tools.join(', ')}` : ''})`,
    );
  }
  for (const p of diff.removed) lines.push(`- ${p.id} ${p.version} (removed)`);
  for (const c of diff.changed) {
    lines.push(`~ ${c.id}`);
    if (c.version) lines.push(`    version ${c.version.from} -> ${c.version.to}`);
    if (c.source) lines.push(`    source ${describeSource(c.source.from)} -> ${describeSource(c.source.to)}`);
    if (c.isolation) lines.push(`    isolation ${c.isolation.from} -> ${c.isolation.to}`);
    if (c.integrity) {
      lines.push(`    integrity ${shortHash(c.integrity.from)} -> ${shortHash(c.integrity.to)}`);
      const f = c.integrity.files;
      if (f) lines.push(...listFiles('changed', f.changed), ...listFiles('added', f.added), ...listFiles('removed', f.removed));
    }
    for (const name of c.tools.added) lines.push(`    tool + ${name} (added)`);
    for (const name of c.tools.removed) lines.push(`    tool - ${name} (removed)`);
    for (const t of c.tools.changed) lines.push(`    tool ~ ${t.name} (changed: ${t.fields.length ? t.fields.join(', ') : 'definition'})`);
  }
  return `${lines.join('\n')}\n`;
}
