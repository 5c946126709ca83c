import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './memory-store.js';
import { createKeyedLock, fingerprint, recordOnce } from './store-helpers.js';

describe('store helpers', () => {
  it('recordOnce keeps exactly one record per key, even when writers race', async () => {
    const store = createMemoryStore();
    let created = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => recordOnce(store, 'outbox', 'key-1', () => ({ n: i, id: ++created }))),
    );
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const winner = results.find((r) => !r.duplicate)!.record;
    expect(results.every((r) => r.record.id === winner.id)).toBe(true);
    expect(await store.count('outbox')).toBe(1);
  });

  it('fingerprint ignores key order and sees any change of value', () => {
    expect(fingerprint({ a: 1, b: { c: 2, d: 3 } })).toBe(fingerprint({ b: { d: 3, c: 2 }, a: 1 }));
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
  });

  it('createKeyedLock runs work for one key one at a time, and other keys in parallel', async () => {
    const withLock = createKeyedLock();
    const order: string[] = [];
    const step = (key: string, label: string, ms: number) =>
      withLock(key, async () => {
        order.push(`start ${label}`);
        await new Promise((r) => setTimeout(r, ms));
        order.push(`end ${label}`);
      });
    await Promise.all([step('a', 'a1', 30), step('a', 'a2', 1), step('b', 'b1', 1)]);
    expect(order.indexOf('end a1')).toBeLessThan(order.indexOf('start a2'));
    expect(order.indexOf('start b1')).toBeLessThan(order.indexOf('end a1'));
  });
});
