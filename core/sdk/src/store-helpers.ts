import { createHash } from 'node:crypto';
import type { PluginStore } from './types.js';

/** JSON with sorted keys, so equal values always hash the same. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** SHA-256 of a payload, to tell a retry (same payload) from a reused idempotency key (different payload). */
export function fingerprint(payload: unknown): string {
  return createHash('sha256').update(stableJson(payload)).digest('hex');
}

export type RecordOnceResult<T> = { record: T; duplicate: boolean };

/**
 * Writes `create()` under `key` unless a record is there already; a racing writer that loses the
 * compare-and-set gets the winner's record. Exactly one record per key, however many retries: the
 * building block of idempotent connectors (key = ctx.idempotencyKey).
 */
export async function recordOnce<T>(store: PluginStore, collection: string, key: string, create: () => T): Promise<RecordOnceResult<T>> {
  const existing = await store.get<T>(collection, key);
  if (existing) return { record: existing.value, duplicate: true };
  const record = create();
  const written = await store.putIf(collection, key, record, 0);
  if (written !== null) return { record, duplicate: false };
  const winner = await store.get<T>(collection, key);
  if (!winner) throw new Error(`record ${collection}/${key} vanished after a lost compare-and-set`);
  return { record: winner.value, duplicate: true };
}

/** Serializes async work per key inside this process (e.g. appends to one workspace's chain). */
export function createKeyedLock() {
  const tails = new Map<string, Promise<unknown>>();
  return async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = tails.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
