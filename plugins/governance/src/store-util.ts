import type { PluginStore } from '@neonhub/sdk';
import { govErrors } from './errors.js';

/** What governance needs besides the SDK: a clock (tests pass a fixed one). */
export interface GovDeps {
  now(): Date;
}

const MAX_ATTEMPTS = 20;

/**
 * Read-modify-write with compare-and-set, retried while other writers win. `change` gets the current value
 * (undefined when absent) and returns the next one, or `undefined` to leave the record as it is.
 */
export async function updateRecord<T>(
  store: PluginStore,
  collection: string,
  key: string,
  change: (current: T | undefined) => T | undefined,
): Promise<T | undefined> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const rec = await store.get<T>(collection, key);
    const next = change(rec?.value);
    if (next === undefined) return rec?.value;
    if ((await store.putIf(collection, key, next, rec?.version ?? 0)) !== null) return next;
  }
  throw govErrors.create('NH_GOV_STORE_CONFLICT', `${collection}/${key} kept changing under concurrent writers; retry`, {
    details: { collection, key },
  });
}

/** Zero-padded so that key order is numeric order. */
export const padVersion = (n: number) => String(n).padStart(10, '0');

export const isoDay = (d: Date) => d.toISOString().slice(0, 10);
