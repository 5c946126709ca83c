import { createOutboundGuard, type OutboundGuard, type OutboundGuardOptions } from './guard.js';

/**
 * One guard per distinct allow-list, kept while the process runs (a workspace's list changes rarely; each guard
 * holds a connection pool). `for(allow)` returns the same guard for the same entries in any order.
 */
export function createOutboundGuards(base: Omit<OutboundGuardOptions, 'allow'> = {}, max = 256) {
  const guards = new Map<string, OutboundGuard>();
  return {
    for(allow: readonly string[] = []): OutboundGuard {
      const key = [...new Set(allow.map((e) => e.trim()).filter(Boolean))].sort().join(' ');
      let guard = guards.get(key);
      if (!guard) {
        if (guards.size >= max) {
          const [oldestKey, oldest] = guards.entries().next().value as [string, OutboundGuard];
          guards.delete(oldestKey);
          void oldest.close().catch(() => {});
        }
        guard = createOutboundGuard({ ...base, allow: key });
        guards.set(key, guard);
      }
      return guard;
    },
    async close(): Promise<void> {
      const all = [...guards.values()];
      guards.clear();
      await Promise.all(all.map((g) => g.close().catch(() => {})));
    },
  };
}

export type OutboundGuards = ReturnType<typeof createOutboundGuards>;
