import { isNeonHubError } from '@neonhub/schemas';
import { describe, expect, it } from 'vitest';
import { type DeliveryRecord, deliverOnce, readDelivery } from './deliver-once.js';
import { createMemoryStore } from './memory-store.js';
import { connectorErrorFrom } from './social/http-errors.js';

/** A provider stand-in that counts deliveries and can be told how the next call ends. */
function provider() {
  const delivered: string[] = [];
  let next: 'ok' | 'reject' | 'crash-after-delivery' | 'unavailable' = 'ok';
  return {
    delivered,
    set: (n: typeof next) => {
      next = n;
    },
    async send(text: string): Promise<{ messageId: string }> {
      const mode = next;
      next = 'ok';
      if (mode === 'reject') throw connectorErrorFrom({ provider: 'p', status: 422, message: 'bad recipient' });
      if (mode === 'unavailable') throw connectorErrorFrom({ provider: 'p', status: 503, message: 'unavailable' });
      delivered.push(text);
      if (mode === 'crash-after-delivery') throw connectorErrorFrom({ provider: 'p', message: 'socket hang up' });
      return { messageId: `m-${delivered.length}` };
    },
    find(text: string) {
      const i = delivered.indexOf(text);
      return i < 0 ? undefined : { messageId: `m-${i + 1}` };
    },
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return isNeonHubError(e) ? e.code : String(e);
  }
  return 'resolved';
}

describe('deliverOnce', () => {
  it('sends once per key and returns the first result as a duplicate on a retry', async () => {
    const store = createMemoryStore();
    const p = provider();
    const call = () => deliverOnce({ store, key: 'k1', request: { text: 'hi' }, send: () => p.send('hi') });
    const first = await call();
    const second = await call();
    expect(first).toMatchObject({ result: { messageId: 'm-1' }, duplicate: false, via: 'sent' });
    expect(second).toMatchObject({ result: { messageId: 'm-1' }, duplicate: true, via: 'recorded' });
    expect(p.delivered).toEqual(['hi']);
    expect(await readDelivery(store, 'k1')).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('refuses a reused key with a different request', async () => {
    const store = createMemoryStore();
    const p = provider();
    await deliverOnce({ store, key: 'k1', request: { text: 'hi' }, send: () => p.send('hi') });
    const code = await codeOf(deliverOnce({ store, key: 'k1', request: { text: 'other' }, send: () => p.send('other') }));
    expect(code).toBe('NH_CONNECTOR_IDEMPOTENCY_CONFLICT');
    expect(p.delivered).toEqual(['hi']);
  });

  it('sends again after a refusal (nothing was delivered)', async () => {
    const store = createMemoryStore();
    const p = provider();
    const call = () => deliverOnce({ store, key: 'k', request: 1, send: () => p.send('hi'), lookup: async () => p.find('hi') });
    p.set('reject');
    expect(await codeOf(call())).toBe('NH_CONNECTOR_REJECTED');
    expect(await readDelivery(store, 'k')).toMatchObject({ state: 'failed', lastError: 'NH_CONNECTOR_REJECTED' });
    const retried = await call();
    expect(retried).toMatchObject({ duplicate: false, via: 'sent', record: { attempts: 2 } });
    expect(p.delivered).toEqual(['hi']);
  });

  it('looks up before re-sending when the outcome was unknown, and finds the earlier delivery', async () => {
    const store = createMemoryStore();
    const p = provider();
    const call = () => deliverOnce({ store, key: 'k', request: 1, send: () => p.send('hi'), lookup: async () => p.find('hi') });
    p.set('crash-after-delivery');
    expect(await codeOf(call())).toBe('NH_CONNECTOR_UNAVAILABLE');
    expect(await readDelivery(store, 'k')).toMatchObject({ state: 'unknown' });
    const retried = await call();
    expect(retried).toMatchObject({ result: { messageId: 'm-1' }, duplicate: true, via: 'lookup' });
    expect(p.delivered).toEqual(['hi']);
    expect(await call()).toMatchObject({ duplicate: true, via: 'recorded' });
  });

  it('re-sends after an unknown outcome when the lookup finds nothing', async () => {
    const store = createMemoryStore();
    const p = provider();
    const call = () => deliverOnce({ store, key: 'k', request: 1, send: () => p.send('hi'), lookup: async () => p.find('hi') });
    p.set('unavailable');
    expect(await codeOf(call())).toBe('NH_CONNECTOR_UNAVAILABLE');
    expect(await call()).toMatchObject({ duplicate: false, via: 'sent' });
    expect(p.delivered).toEqual(['hi']);
  });

  it('a crashed attempt (left in sending) blocks re-runs while in flight, then is looked up', async () => {
    const store = createMemoryStore();
    const p = provider();
    p.delivered.push('hi'); // the crashed process delivered it, then died before recording the result
    const crashed: DeliveryRecord = {
      idempotencyKey: 'k',
      fingerprint: (await import('./store-helpers.js')).fingerprint(1),
      state: 'sending',
      attempts: 1,
      attemptAt: new Date(1_000_000).toISOString(),
      attemptId: 'dead',
    };
    await store.put('deliveries', 'k', crashed);
    let clock = 1_000_000 + 2_000;
    const call = () =>
      deliverOnce({ store, key: 'k', request: 1, send: () => p.send('hi'), lookup: async () => p.find('hi'), now: () => clock, waitMs: 0 });
    try {
      await call();
      expect.unreachable();
    } catch (e) {
      expect(isNeonHubError(e) && e.code).toBe('NH_CONNECTOR_UNAVAILABLE');
      expect(isNeonHubError(e) && e.details).toMatchObject({ reason: 'in_flight', retryAfterMs: 8_000 });
    }
    clock += 8_000;
    expect(await call()).toMatchObject({ result: { messageId: 'm-1' }, duplicate: true, via: 'lookup' });
    expect(p.delivered).toEqual(['hi']);
  });

  it('concurrent calls with one key deliver once: the others wait and get the result as a duplicate', async () => {
    const store = createMemoryStore();
    let deliveries = 0;
    const call = (waitMs?: number) =>
      deliverOnce({
        store,
        key: 'k',
        request: 1,
        ...(waitMs !== undefined ? { waitMs } : {}),
        send: async () => {
          await new Promise((r) => setTimeout(r, 60));
          return { n: ++deliveries };
        },
      });
    const results = await Promise.all(Array.from({ length: 8 }, () => call()));
    expect(deliveries).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(results.every((r) => (r.result as { n: number }).n === 1)).toBe(true);

    const other = createMemoryStore();
    const slow = deliverOnce({ store: other, key: 'k', request: 1, send: () => new Promise((r) => setTimeout(() => r('done'), 80)) });
    const impatient = deliverOnce({ store: other, key: 'k', request: 1, waitMs: 0, send: async () => 'second' });
    await expect(impatient).rejects.toMatchObject({ code: 'NH_CONNECTOR_UNAVAILABLE', details: { reason: 'in_flight' } });
    expect((await slow).result).toBe('done');
  });
});

describe('deliverOnce with a client library', () => {
  it('mapError classifies the library error (a refusal needs no lookup) and a failing lookup keeps the outcome unknown', async () => {
    const store = createMemoryStore();
    let lookups = 0;
    let sends = 0;
    let mode: 'refuse' | 'drop' | 'lookup-fails' | 'ok' = 'refuse';
    const libraryError = (status: number) => Object.assign(new Error(`HTTP ${status}`), { status });
    const call = () =>
      deliverOnce({
        store,
        key: 'k',
        request: 1,
        mapError: (e) => connectorErrorFrom({ provider: 'p', status: (e as { status?: number }).status, message: 'x' }),
        send: async () => {
          sends++;
          if (mode === 'refuse') throw libraryError(429);
          if (mode === 'drop' || mode === 'lookup-fails') throw libraryError(503);
          return 'delivered';
        },
        lookup: async () => {
          lookups++;
          if (mode === 'lookup-fails') throw libraryError(429);
          return undefined;
        },
      });
    expect(await codeOf(call())).toBe('NH_CONNECTOR_RATE_LIMITED');
    expect(await codeOf(call())).toBe('NH_CONNECTOR_RATE_LIMITED');
    expect(lookups).toBe(0);
    mode = 'drop';
    expect(await codeOf(call())).toBe('NH_CONNECTOR_UNAVAILABLE');
    mode = 'lookup-fails';
    expect(await codeOf(call())).toBe('NH_CONNECTOR_RATE_LIMITED');
    expect(await readDelivery(store, 'k')).toMatchObject({ state: 'unknown', lastError: 'NH_CONNECTOR_RATE_LIMITED' });
    mode = 'ok';
    expect(await call()).toMatchObject({ result: 'delivered', duplicate: false, via: 'sent' });
    expect(lookups).toBe(2);
    expect(sends).toBe(4);
  });
});
