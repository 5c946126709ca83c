import { createHarness, createMemoryResults, simulateCampaignWeek, simulatedDailyRows } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';
import { analyzeResults } from '../src/tools/analyze-results.js';

/**
 * The must-show simulation: four seeded weeks of an A/B campaign (the shared generator, simulateCampaignWeek) with
 * an injected anomaly on a known day; the insight agent, reading the stored daily counts through ctx.results,
 * flags that day, and quiet seeds are not flagged (false alarm rate measured over many seeds).
 */
const START = '2026-11-02'; // a Monday; 28 days end on Sunday 29 November
const ASOF = '2026-11-29';
const variants = [
  { id: 'A', clickRate: 0.03 },
  { id: 'B', clickRate: 0.05 },
];
const dateOf = (day: number) => new Date(Date.parse(`${START}T00:00:00Z`) + day * 86_400_000).toISOString().slice(0, 10);

async function analyse(seed: number, anomalies: Parameters<typeof simulateCampaignWeek>[0]['anomalies'] = []) {
  const week = await simulateCampaignWeek({ seed, variants, days: 28, start: START, campaign: 'Spring sale', anomalies, detail: 'counts' });
  const harness = createHarness(plugin, { results: createMemoryResults(simulatedDailyRows(week)) });
  return harness.run(analyzeResults, { asOf: ASOF, weeks: 4 });
}

describe('insight on simulated stored results', () => {
  it('flags an injected click drop on its day, says it was the click rate, and the conversions that followed it', async () => {
    const r = await analyse(42, [{ day: 24, kind: 'clicked', factor: 0.2 }]);
    const clicks = r.anomalies.filter((a) => a.kind === 'clicked');
    expect(clicks.map((a) => [a.day, a.direction])).toEqual([[dateOf(24), 'low']]);
    expect(clicks[0]!.inPeriod).toBe(true);
    expect(clicks[0]!.cause.type).toBe('rate');
    expect(clicks[0]!.cause.rate!).toBeLessThan(clicks[0]!.cause.usualRate! / 2);
    expect(clicks[0]!.summary).toMatch(/^Spring sale: clicks dropped on Thursday 26 November: \d+ instead of about \d+/);
    // every anomaly found is on the injected day (conversions follow the clicks: volume)
    expect(new Set(r.anomalies.map((a) => a.day))).toEqual(new Set([dateOf(24)]));
    for (const a of r.anomalies.filter((x) => x.kind === 'converted'))
      expect(a.cause).toMatchObject({ type: 'volume', upstream: 'clicked' });
  });

  it('over 200 seeds: the injected day is flagged (drops and spikes, any day of the last two weeks), and nothing else in ≥ 97%', async () => {
    let found = 0;
    let clean = 0;
    const seeds = 200;
    for (let seed = 1; seed <= seeds; seed++) {
      const day = 14 + (seed % 14);
      const factor = seed % 2 === 0 ? 0.2 : 3;
      const r = await analyse(seed, [{ day, kind: 'clicked', factor }]);
      const hit = r.anomalies.some((a) => a.kind === 'clicked' && a.day === dateOf(day) && a.direction === (factor < 1 ? 'low' : 'high'));
      if (hit) found++;
      if (r.anomalies.every((a) => a.day === dateOf(day))) clean++;
    }
    console.log(`injected anomalies flagged on their day: ${found}/${seeds}; seeds with no other day flagged: ${clean}/${seeds}`);
    expect(found / seeds).toBeGreaterThanOrEqual(0.98);
    expect(clean / seeds).toBeGreaterThanOrEqual(0.97);
  });

  it('quiet seeds: at most 2% of 300 four-week campaigns get any anomaly (five stages × 28 days each)', async () => {
    let flagged = 0;
    const seeds = 300;
    for (let seed = 1001; seed <= 1000 + seeds; seed++) if ((await analyse(seed)).anomalies.length > 0) flagged++;
    console.log(`quiet seeds with a false alarm: ${flagged}/${seeds}`);
    expect(flagged / seeds).toBeLessThanOrEqual(0.02);
  });

  it('a drop in volume is explained as volume: fewer sends, so fewer clicks', async () => {
    const r = await analyse(7, [{ day: 26, kind: 'sent', factor: 0.3 }]);
    const byKind = Object.fromEntries(r.anomalies.map((a) => [a.kind, a]));
    expect(byKind.sent?.day).toBe(dateOf(26));
    expect(byKind.clicked?.cause).toMatchObject({ type: 'volume' });
    expect(byKind.clicked?.summary).toContain('follows the volume');
  });

  it("reports week-over-week movers and next week's forecast around this week's level", async () => {
    const r = await analyse(3, [
      { day: 21, kind: 'sent', factor: 1.5 },
      { day: 22, kind: 'sent', factor: 1.5 },
      { day: 23, kind: 'sent', factor: 1.5 },
      { day: 24, kind: 'sent', factor: 1.5 },
      { day: 25, kind: 'sent', factor: 1.5 },
      { day: 26, kind: 'sent', factor: 1.5 },
      { day: 27, kind: 'sent', factor: 1.5 },
    ]);
    const sent = r.movers.find((m) => m.kind === 'sent');
    expect(sent).toMatchObject({ campaign: 'Spring sale', thisWeek: 10_500, lastWeek: 7000 });
    const f = r.forecast.find((x) => x.kind === 'clicked')!;
    expect(f.lower).toBeLessThanOrEqual(f.nextWeek);
    expect(f.upper).toBeGreaterThanOrEqual(f.nextWeek);
    expect(f.nextWeek).toBeGreaterThan(0);
  });

  it('without ctx.results it says so with NH_INSIGHT_RESULTS_UNAVAILABLE', async () => {
    await expect(createHarness(plugin).call('analyze_results', {})).rejects.toMatchObject({ code: 'NH_INSIGHT_RESULTS_UNAVAILABLE' });
  });
});
