import type { StoredRecord } from '@neonhub/sdk';

/** The channel hosts sharing a PostgreSQL database tell each other about changed plugin records on. */
export const RECORDS_CHANNEL = 'neonhub_records';
const MAX_ENTRIES = 20_000;

/**
 * The host's cache of plugin records read with `store.get(c, k, { cached: true })` (a policy, a config: read on
 * every call, rarely written). A write through this host drops the key at once; on PostgreSQL every write of a
 * record is also announced with NOTIFY so the other hosts drop it too, and a host whose LISTEN connection dropped
 * forgets everything (notifications sent meanwhile are lost). A read racing a write is not cached, and a call after
 * the write does not join it. `trusted: false` (no live lease, record-freshness.ts) reads through and keeps nothing.
 */
export function createRecordCache() {
  const entries = new Map<string, { record: StoredRecord<unknown> | undefined }>();
  const pending = new Map<string, { promise: Promise<StoredRecord<unknown> | undefined>; invalidated: boolean }>();
  let epoch = 0;

  return {
    key: (workspaceId: string, pluginId: string, collection: string, key: string) =>
      JSON.stringify([workspaceId, pluginId, collection, key]),
    get<T>(key: string, read: () => Promise<StoredRecord<T> | undefined>, trusted = true): Promise<StoredRecord<T> | undefined> {
      if (!trusted) return read();
      const hit = entries.get(key);
      if (hit) return Promise.resolve(hit.record as StoredRecord<T> | undefined);
      const inFlight = pending.get(key);
      if (inFlight) return inFlight.promise as Promise<StoredRecord<T> | undefined>;
      const started = epoch;
      const slot = { promise: read() as Promise<StoredRecord<unknown> | undefined>, invalidated: false };
      pending.set(key, slot);
      slot.promise.then(
        (record) => {
          if (pending.get(key) === slot) pending.delete(key);
          if (slot.invalidated || epoch !== started) return;
          if (entries.size >= MAX_ENTRIES) entries.clear();
          entries.set(key, { record });
        },
        () => {
          if (pending.get(key) === slot) pending.delete(key);
        },
      );
      return slot.promise as Promise<StoredRecord<T> | undefined>;
    },
    invalidate(key: string): void {
      entries.delete(key);
      const slot = pending.get(key);
      if (slot) {
        slot.invalidated = true;
        pending.delete(key); // it may have read the old value: the next caller reads again
      }
    },
    /** Forgets everything (the notification connection was lost). */
    reset(): void {
      entries.clear();
      for (const slot of pending.values()) slot.invalidated = true;
      pending.clear();
      epoch++;
    },
    size: () => entries.size,
  };
}

export type RecordCache = ReturnType<typeof createRecordCache>;
