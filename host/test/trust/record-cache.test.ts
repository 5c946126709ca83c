import type { StoredRecord } from '@neonhub/sdk';
import { describe, expect, it } from 'vitest';
import { createRecordCache } from '../../src/record-cache.js';

const rec = (value: string): StoredRecord<string> => ({ key: 'k', value, version: 1, seq: 1, updatedAt: '2026-01-01T00:00:00.000Z' });

describe('record cache', () => {
  it('a read after an invalidation does not join a read that started before it (that one may hold the old value)', async () => {
    const cache = createRecordCache();
    const key = cache.key('ws', 'p', 'c', 'k');
    let finishOld!: (r: StoredRecord<string>) => void;
    const old = cache.get(key, () => new Promise<StoredRecord<string>>((r) => (finishOld = r)));
    cache.invalidate(key); // a write committed while that read was in flight
    const next = cache.get(key, async () => rec('new'));
    finishOld(rec('old'));
    expect((await old)?.value).toBe('old');
    expect((await next)?.value).toBe('new');
    expect((await cache.get(key, async () => rec('read again')))?.value).toBe('new'); // the later read is kept
  });

  it('untrusted (no live lease): reads through and keeps nothing', async () => {
    const cache = createRecordCache();
    const key = cache.key('ws', 'p', 'c', 'k');
    let reads = 0;
    const read = async () => rec(`read ${++reads}`);
    expect((await cache.get(key, read, false))?.value).toBe('read 1');
    expect((await cache.get(key, read, false))?.value).toBe('read 2');
    expect(cache.size()).toBe(0);
    expect((await cache.get(key, read))?.value).toBe('read 3');
    expect((await cache.get(key, read))?.value).toBe('read 3');
  });
});
