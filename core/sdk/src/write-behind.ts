import { createKeyedLock } from './store-helpers.js';
import type { Logger, PluginStore } from './types.js';

export interface WriteBehindOptions<T> {
  /** Writes one workspace's batch (in the order added). Throwing keeps the batch for the next flush. */
  write(store: PluginStore, items: T[]): Promise<void>;
  /** Flush a workspace when it holds this many items (default 200). */
  flushAt?: number;
  /** ... or this long after its first buffered item (default 250 ms). */
  flushMs?: number;
  /** Items kept per workspace while writes fail; the oldest beyond it are dropped and logged (default 20,000). */
  maxBuffered?: number;
}

/**
 * Per-workspace write-behind for records that need not be durable before a call answers (usage counters, the
 * log of allowed calls): items are buffered and written in batches, off the call path. A hook adds to it; the
 * plugin's read tools `flush` the workspace first; the plugin's `stop` calls `flushAll`. A crash loses at most
 * the last `flushMs` of items.
 */
export function createWriteBehind<T>(opts: WriteBehindOptions<T>) {
  const flushAt = opts.flushAt ?? 200;
  const flushMs = opts.flushMs ?? 250;
  const maxBuffered = opts.maxBuffered ?? 20_000;
  const lock = createKeyedLock();
  const buffers = new Map<string, { store: PluginStore; logger: Logger; items: T[]; timer?: ReturnType<typeof setTimeout> }>();

  function schedule(workspaceId: string) {
    const buffer = buffers.get(workspaceId);
    if (!buffer || buffer.timer) return;
    buffer.timer = setTimeout(() => {
      buffer.timer = undefined;
      void flush(workspaceId);
    }, flushMs);
    buffer.timer.unref?.();
  }

  function flush(workspaceId: string): Promise<void> {
    return lock(workspaceId, async () => {
      const buffer = buffers.get(workspaceId);
      if (!buffer || buffer.items.length === 0) return;
      clearTimeout(buffer.timer);
      buffer.timer = undefined;
      const items = buffer.items.splice(0);
      try {
        await opts.write(buffer.store, items);
      } catch (err) {
        buffer.items.unshift(...items);
        const dropped = Math.max(0, buffer.items.length - maxBuffered);
        if (dropped) buffer.items.splice(0, dropped);
        buffer.logger.error({ err, buffered: buffer.items.length, dropped }, 'buffered records could not be written; retrying');
        schedule(workspaceId);
      }
    });
  }

  return {
    /** Buffers an item of the workspace (`store` and `logger` are the caller's: the latest is used to write). */
    add(workspaceId: string, store: PluginStore, logger: Logger, item: T): void {
      let buffer = buffers.get(workspaceId);
      if (!buffer) {
        buffer = { store, logger, items: [] };
        buffers.set(workspaceId, buffer);
      }
      buffer.store = store;
      buffer.logger = logger;
      buffer.items.push(item);
      if (buffer.items.length >= flushAt) void flush(workspaceId);
      else schedule(workspaceId);
    },
    /** Writes the workspace's buffered items now. */
    flush,
    /** Writes every workspace's buffered items (the plugin is stopping). */
    async flushAll(): Promise<void> {
      await Promise.all([...buffers.keys()].map(flush));
    },
  };
}

export type WriteBehind<T> = ReturnType<typeof createWriteBehind<T>>;
