/**
 * Admin notices of the host: things an admin must act on that are not a failed request (a
 * quarantined tool, a plugin that failed). `/health` reports `degraded` while any stands and lists
 * them; each is keyed so that the condition that raised it can clear it.
 */
export interface HostNotice {
  /** Stable key of the condition, e.g. `quarantine:mcp-echo:echo`. */
  key: string;
  /** An error code naming the condition (NH_TOOL_QUARANTINED, ...). */
  code: string;
  message: string;
  plugin?: string;
  details?: unknown;
  /** When the condition was first raised (ISO time). */
  since: string;
}

export function createNotices() {
  const notices = new Map<string, HostNotice>();
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const l of listeners) l();
  };
  return {
    /** Raises (or updates, keeping `since`) the notice with this key. */
    raise(notice: Omit<HostNotice, 'since'>): void {
      const since = notices.get(notice.key)?.since ?? new Date().toISOString();
      notices.set(notice.key, { ...notice, since });
      changed();
    },
    /** Clears the notices whose key starts with `prefix`; returns how many. */
    clear(prefix: string): number {
      let n = 0;
      for (const key of [...notices.keys()])
        if (key.startsWith(prefix)) {
          notices.delete(key);
          n++;
        }
      if (n) changed();
      return n;
    },
    list(): HostNotice[] {
      return [...notices.values()].sort((a, b) => a.key.localeCompare(b.key));
    },
    onChange(listener: () => void): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

export type Notices = ReturnType<typeof createNotices>;
