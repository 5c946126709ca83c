import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGAGEMENT, DELIVER_ONLY, draw, simulatedEvents } from './engagement.js';

const at = '2026-12-01T10:00:00.000Z';

describe('simulated provider events', () => {
  it('are the same for the same message id, and differ between message ids', () => {
    const a = simulatedEvents('m-1', ['ana@example.com'], at, DEFAULT_ENGAGEMENT);
    expect(simulatedEvents('m-1', ['ana@example.com'], at, DEFAULT_ENGAGEMENT)).toEqual(a);
    const kinds = new Set(
      Array.from({ length: 200 }, (_, i) =>
        simulatedEvents(`m-${i}`, ['ana@example.com'], at, DEFAULT_ENGAGEMENT)
          .map((e) => e.type)
          .join(),
      ),
    );
    expect(kinds.size).toBeGreaterThan(2);
  });

  it('follow the rates over many messages, a click only after an open, nothing after a bounce', () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 4000; i++) {
      const events = simulatedEvents(`msg-${i}`, ['reader@example.com'], at, DEFAULT_ENGAGEMENT);
      const types = events.map((e) => e.type);
      if (types.includes('clicked')) expect(types).toContain('opened');
      if (types.includes('bounced')) expect(types).toEqual(['bounced']);
      for (const t of types) counts[t] = (counts[t] ?? 0) + 1;
    }
    expect((counts.delivered ?? 0) + (counts.bounced ?? 0)).toBe(4000);
    expect((counts.bounced ?? 0) / 4000).toBeCloseTo(0.02, 1);
    expect((counts.opened ?? 0) / (counts.delivered ?? 1)).toBeGreaterThan(0.4);
    expect((counts.opened ?? 0) / (counts.delivered ?? 1)).toBeLessThan(0.5);
    expect((counts.clicked ?? 0) / (counts.opened ?? 1)).toBeGreaterThan(0.2);
    expect((counts.clicked ?? 0) / (counts.opened ?? 1)).toBeLessThan(0.3);
  });

  it('without engagement configured every message is only delivered, with unique event ids per recipient', () => {
    const events = simulatedEvents('m-9', ['a@example.com', 'b@example.com'], at, DELIVER_ONLY);
    expect(events.map((e) => [e.id, e.type, e.recipient])).toEqual([
      ['m-9:0:delivered', 'delivered', 'a@example.com'],
      ['m-9:1:delivered', 'delivered', 'b@example.com'],
    ]);
    expect(draw('m-9', 'A@example.com', 'opened')).toBe(draw('m-9', 'a@example.com', 'opened'));
  });
});

describe('simulated event times', () => {
  const sent = Date.parse(at);
  const everyKind = { bounce: 0, open: 1, click: 1, unsubscribe: 1 };

  it('reported with the send, every event is dated at the send: none in the future', () => {
    const events = simulatedEvents('m-now', ['ana@example.com'], at, everyKind, sent);
    expect(events.map((e) => e.type)).toEqual(['delivered', 'opened', 'clicked', 'unsubscribed']);
    for (const e of events) expect(e.occurredAt).toBe(at);
  });

  it('reported later, each is dated at its offset after the send but never after the report', () => {
    const now = sent + 150_000;
    const events = simulatedEvents('m-late', ['ana@example.com'], at, everyKind, now);
    const times = Object.fromEntries(events.map((e) => [e.type, Date.parse(e.occurredAt)]));
    expect(times).toEqual({ delivered: sent + 1, opened: sent + 120_000, clicked: now, unsubscribed: now });
    for (const t of Object.values(times)) {
      expect(t).toBeGreaterThanOrEqual(sent);
      expect(t).toBeLessThanOrEqual(now);
    }
  });

  it('a clock behind the send still dates nothing before the send', () => {
    const events = simulatedEvents('m-skew', ['ana@example.com'], at, everyKind, sent - 5_000);
    for (const e of events) expect(e.occurredAt).toBe(at);
  });
});
