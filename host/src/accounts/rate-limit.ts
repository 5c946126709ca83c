/** A fixed-window counter per key (in memory, per host process). */
export function createRateLimiter(opts: { limit: number; windowMs: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const windows = new Map<string, { count: number; resetAt: number }>();

  function current(key: string) {
    const w = windows.get(key);
    if (w && w.resetAt > now()) return w;
    windows.delete(key);
    return undefined;
  }

  return {
    /** Milliseconds until the key may try again, or 0 when it is under the limit. */
    blockedFor(key: string): number {
      const w = current(key);
      return w && w.count >= opts.limit ? w.resetAt - now() : 0;
    },
    fail(key: string) {
      const w = current(key);
      if (w) w.count += 1;
      else windows.set(key, { count: 1, resetAt: now() + opts.windowMs });
      if (windows.size > 50_000) for (const k of windows.keys()) if (!current(k)) windows.delete(k);
    },
    reset(key: string) {
      windows.delete(key);
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
