import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { outbox } from './outbox.js';
import { send } from './send.js';

const message = { to: 'ada@example.com', subject: 'Spring sale', text: 'Hi Ada, 30% off this week.' };

describe('send', () => {
  it('records the message in the outbox with the default sender and returns its id', async () => {
    const h = createHarness(plugin);
    const r = await h.run(send, message, { idempotencyKey: 'k-1' });
    expect(r).toMatchObject({ duplicate: false, status: 'recorded', sandbox: true, to: ['ada@example.com'] });
    expect(r.messageId).toMatch(/^sandbox-email-[0-9a-f-]{36}$/);
    const box = await h.run(outbox, {});
    expect(box.total).toBe(1);
    expect(box.messages[0]).toMatchObject({
      messageId: r.messageId,
      idempotencyKey: 'k-1',
      from: 'sandbox@neonhub.local',
      subject: 'Spring sale',
      text: 'Hi Ada, 30% off this week.',
    });
  });

  it('reports its simulated events dated at or after the send and never after the answer came', async () => {
    const h = createHarness(plugin, { config: { engagement: { bounce: 0, open: 1, click: 1, unsubscribe: 1 } } });
    const r = await h.run(send, message, { idempotencyKey: 'k-events' });
    const answered = Date.now();
    expect(r.events.map((e) => e.type)).toEqual(['delivered', 'opened', 'clicked', 'unsubscribed']);
    for (const e of r.events) {
      expect(Date.parse(e.occurredAt)).toBeGreaterThanOrEqual(Date.parse(r.recordedAt));
      expect(Date.parse(e.occurredAt)).toBeLessThanOrEqual(answered);
    }
  });

  it('a retry with the same idempotency key records nothing new and returns the original id', async () => {
    const h = createHarness(plugin);
    const first = await h.run(send, message, { idempotencyKey: 'retry-key' });
    const second = await h.run(send, message, { idempotencyKey: 'retry-key' });
    expect(second).toMatchObject({ messageId: first.messageId, duplicate: true, recordedAt: first.recordedAt });
    const third = await h.run(send, message, { idempotencyKey: 'another-key' });
    expect(third.duplicate).toBe(false);
    expect(third.messageId).not.toBe(first.messageId);
    expect((await h.run(outbox, {})).total).toBe(2);
  });

  it('concurrent calls with one key record exactly one message', async () => {
    const h = createHarness(plugin);
    const results = await Promise.all(Array.from({ length: 5 }, () => h.run(send, message, { idempotencyKey: 'race' })));
    expect(new Set(results.map((r) => r.messageId)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect((await h.run(outbox, {})).total).toBe(1);
  });

  it('refuses a reused key with a different message (NH_CONNECTOR_IDEMPOTENCY_CONFLICT)', async () => {
    const h = createHarness(plugin);
    await h.run(send, message, { idempotencyKey: 'k' });
    await expect(h.run(send, { ...message, subject: 'Other' }, { idempotencyKey: 'k' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_IDEMPOTENCY_CONFLICT',
      status: 409,
    });
    expect((await h.run(outbox, {})).total).toBe(1);
  });

  it('uses the configured sender, keeps html and tags, and takes a list of recipients', async () => {
    const h = createHarness(plugin, { config: { from: 'news@brand.example' } });
    const r = await h.run(send, {
      to: ['a@example.com', 'b@example.com'],
      subject: 'Hello',
      html: '<p>Hello</p>',
      tags: { campaign: 'spring' },
    });
    expect(r.to).toEqual(['a@example.com', 'b@example.com']);
    const [m] = (await h.run(outbox, {})).messages;
    expect(m).toMatchObject({ from: 'news@brand.example', html: '<p>Hello</p>', tags: { campaign: 'spring' } });
    expect(m?.text).toBeUndefined();
  });

  it('rejects a message without a body or with a bad address', async () => {
    const h = createHarness(plugin);
    await expect(h.run(send, { to: 'a@example.com', subject: 'x' })).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
    await expect(h.run(send, { to: 'nobody', subject: 'x', text: 'y' })).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
  });
});
