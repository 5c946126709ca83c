import { describe, expect, it } from 'vitest';
import { simulateCampaignWeek, simulatedDailyRows } from './simulate-campaign.js';

const variants = [
  { id: 'A', clickRate: 0.03 },
  { id: 'B', clickRate: 0.05 },
];

describe('simulateCampaignWeek', () => {
  it('is the same week for the same seed, another for another seed', async () => {
    const a = await simulateCampaignWeek({ seed: 7, variants, sendsPerDay: 200 });
    const b = await simulateCampaignWeek({ seed: 7, variants, sendsPerDay: 200 });
    const c = await simulateCampaignWeek({ seed: 8, variants, sendsPerDay: 200 });
    expect(b).toEqual(a);
    expect(c.totals).not.toEqual(a.totals);
    expect(a.best).toBe('B');
    expect(a.days.map((d) => d.date)).toEqual([
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
      '2026-12-05',
      '2026-12-06',
    ]);
  });

  it('events follow the funnel inside their own day and add up to the counts', async () => {
    const week = await simulateCampaignWeek({ seed: 1, variants, sendsPerDay: 400 });
    const byMessage = new Map<string, string[]>();
    for (const e of week.events) {
      expect(e.occurredAt.slice(0, 10)).toBe(week.days[e.day]!.date);
      byMessage.set(e.messageId, [...(byMessage.get(e.messageId) ?? []), e.type]);
    }
    for (const kinds of byMessage.values())
      expect(['sent', 'delivered', 'opened', 'clicked', 'converted'].slice(0, kinds.length)).toEqual(kinds);
    for (const v of ['A', 'B']) {
      expect(week.events.filter((e) => e.variant === v && e.type === 'clicked').length).toBe(week.totals[v]!.clicked);
      expect(week.totals[v]!.sent).toBe(1400);
    }
    const rows = simulatedDailyRows(week);
    expect(rows.filter((r) => r.kind === 'sent').reduce((s, r) => s + r.count, 0)).toBe(2800);
  });

  it('recovers the true click rates, and an anomaly moves only its day', async () => {
    const week = await simulateCampaignWeek({
      seed: 3,
      variants,
      sendsPerDay: 20_000,
      detail: 'counts',
      anomalies: [{ day: 4, kind: 'clicked', factor: 0.2 }],
    });
    const rate = (d: number, v: string) => week.days[d]!.counts[v]!.clicked / week.days[d]!.counts[v]!.sent;
    for (const d of [0, 1, 2, 3, 5, 6]) {
      expect(rate(d, 'A')).toBeCloseTo(0.03, 2);
      expect(rate(d, 'B')).toBeCloseTo(0.05, 2);
    }
    expect(rate(4, 'B')).toBeCloseTo(0.01, 2);
    expect(week.events).toEqual([]);
  });

  it('splits each day as the allocator answers, given the totals so far', async () => {
    const seen: number[] = [];
    const week = await simulateCampaignWeek({
      seed: 2,
      variants,
      sendsPerDay: 100,
      detail: 'counts',
      allocate: ({ day, totals }) => {
        seen.push(totals.A!.sent + totals.B!.sent);
        return day === 0 ? { A: 1, B: 1 } : { A: 1, B: 3 };
      },
    });
    expect(seen).toEqual([0, 100, 200, 300, 400, 500, 600]);
    expect(week.days[0]!.counts.A!.sent).toBe(50);
    expect(week.days[1]!.shares).toEqual({ A: 0.25, B: 0.75 });
    expect(week.days[1]!.counts.B!.sent).toBe(75);
    await expect(simulateCampaignWeek({ seed: 1, variants: [{ id: 'X', clickRate: 0.9 }] })).rejects.toThrow(/exceeds/);
  });
});
