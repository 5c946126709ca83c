/**
 * A fixed-window counter per key (in memory, per host process). Reading and counting happen in one
 * synchronous step (`take`), so concurrent requests cannot all pass a check made before any of them counted.
 */
export function createRateLimiter(opts: { limit: number; windowMs: number; now?: () => number; maxKeys?: number }) {
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeys ?? 50_000;
  const windows = new Map<string, { count: number; resetAt: number }>();

  function current(key: string) {
    const w = windows.get(key);
    if (w && w.resetAt > now()) return w;
    windows.delete(key);
    return undefined;
  }

  function sweep() {
    if (windows.size <= maxKeys) return;
    for (const k of windows.keys()) current(k);
    // Still full of live windows: forget the oldest (insertion order) rather than grow without bound.
    for (const k of windows.keys()) {
      if (windows.size <= maxKeys) break;
      windows.delete(k);
    }
  }

  return {
    limit: opts.limit,
    /** Milliseconds until the key may try again, or 0 when it is under the limit. */
    blockedFor(key: string): number {
      const w = current(key);
      return w && w.count >= opts.limit ? Math.max(1, w.resetAt - now()) : 0;
    },
    /** Counts one attempt; call only after blockedFor said 0 in the same synchronous step. */
    hit(key: string) {
      const w = current(key);
      if (w) w.count += 1;
      else {
        windows.set(key, { count: 1, resetAt: now() + opts.windowMs });
        sweep();
      }
    },
    /** Gives back one attempt counted by hit (the attempt turned out not to be a failure). */
    unhit(key: string) {
      const w = current(key);
      if (w && w.count > 0) w.count -= 1;
    },
    reset(key: string) {
      windows.delete(key);
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
