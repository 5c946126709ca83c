import type { WorkspacePlugin } from '@neonhub/schemas';

interface Entry {
  loadedAt: number;
  plugins: Map<string, WorkspacePlugin>;
}

/**
 * Each workspace's plugin rows (enabled flag and config) in memory, because `isEnabled` and
 * `getConfig` sit on the path of every tool call. This process's writes update it at once;
 * writes by another host sharing the database show after `ttlMs` (stale entries are served
 * while one refresh runs in the background, so a warm lookup never waits).
 */
export function createPluginStateCache(
  load: (workspaceId: string) => Promise<WorkspacePlugin[]>,
  opts: { ttlMs: number; onError(err: unknown): void },
) {
  const entries = new Map<string, Entry>();
  const loading = new Map<string, Promise<Entry>>();
  /** Bumped by every write, so a load that started before it does not overwrite newer state. */
  const generation = new Map<string, number>();

  function fetch(workspaceId: string): Promise<Entry> {
    const pending = loading.get(workspaceId);
    if (pending) return pending;
    const gen = generation.get(workspaceId) ?? 0;
    const p = load(workspaceId)
      .then((rows) => {
        const entry: Entry = { loadedAt: Date.now(), plugins: new Map(rows.map((r) => [r.pluginId, r])) };
        if ((generation.get(workspaceId) ?? 0) === gen) entries.set(workspaceId, entry);
        return entries.get(workspaceId) ?? entry;
      })
      .finally(() => loading.delete(workspaceId));
    loading.set(workspaceId, p);
    return p;
  }

  /** The cached entry when there is one (refreshing it in the background when stale), else a load. */
  function get(workspaceId: string): Entry | Promise<Entry> {
    const entry = entries.get(workspaceId);
    if (!entry) return fetch(workspaceId);
    if (Date.now() - entry.loadedAt > opts.ttlMs && !loading.has(workspaceId)) fetch(workspaceId).catch(opts.onError);
    return entry;
  }

  return {
    get,
    /** Records a row this process just wrote. */
    put(row: WorkspacePlugin) {
      generation.set(row.workspaceId, (generation.get(row.workspaceId) ?? 0) + 1);
      entries.get(row.workspaceId)?.plugins.set(row.pluginId, row);
    },
    /** Forgets one workspace, or all (e.g. after an out-of-band change). */
    invalidate(workspaceId?: string) {
      if (workspaceId === undefined) {
        for (const id of entries.keys()) generation.set(id, (generation.get(id) ?? 0) + 1);
        entries.clear();
        return;
      }
      generation.set(workspaceId, (generation.get(workspaceId) ?? 0) + 1);
      entries.delete(workspaceId);
    },
  };
}

export type PluginStateCache = ReturnType<typeof createPluginStateCache>;
