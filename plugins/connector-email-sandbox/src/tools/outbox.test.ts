import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { outbox } from './outbox.js';
import { send } from './send.js';

async function filled() {
  const h = createHarness(plugin);
  for (let i = 0; i < 5; i++)
    await h.run(
      send,
      { to: i % 2 === 0 ? 'even@example.com' : 'odd@example.com', subject: `m${i}`, text: 'body' },
      { idempotencyKey: `k${i}` },
    );
  return h;
}

describe('outbox', () => {
  it('lists messages oldest first and pages by cursor', async () => {
    const h = await filled();
    const page1 = await h.run(outbox, { limit: 2 });
    expect(page1.messages.map((m) => m.subject)).toEqual(['m0', 'm1']);
    expect(page1.total).toBe(5);
    expect(page1.nextCursor).toBe(page1.messages[1]?.cursor);
    const page2 = await h.run(outbox, { limit: 2, after: page1.nextCursor! });
    expect(page2.messages.map((m) => m.subject)).toEqual(['m2', 'm3']);
    const page3 = await h.run(outbox, { limit: 2, after: page2.nextCursor! });
    expect(page3.messages.map((m) => m.subject)).toEqual(['m4']);
    expect(page3.nextCursor).toBeNull();
  });

  it('filters by recipient, case-insensitively', async () => {
    const h = await filled();
    const r = await h.run(outbox, { to: 'EVEN@example.com' });
    expect(r.messages.map((m) => m.subject)).toEqual(['m0', 'm2', 'm4']);
  });

  it('is empty in a new workspace store', async () => {
    const r = await createHarness(plugin).run(outbox, {});
    expect(r).toEqual({ messages: [], nextCursor: null, total: 0 });
  });
});

describe('outbox by idempotency key', () => {
  it('returns the one message recorded under a key, or none', async () => {
    const h = await filled();
    const r = await h.run(outbox, { idempotencyKey: 'k3' });
    expect(r.messages.map((m) => m.subject)).toEqual(['m3']);
    expect(r.total).toBe(5);
    expect((await h.run(outbox, { idempotencyKey: 'nope' })).messages).toEqual([]);
  });
});
