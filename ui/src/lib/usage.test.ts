import { describe, expect, it } from 'vitest';
import { breakdown, dailySeries, figure } from './usage';
import { wrapLabel } from './usage-charts';

const day = (d: string, calls: number) => ({ day: d, calls, totalTokens: calls * 10, wh: calls / 100, co2eG: calls / 10 });

describe('dailySeries', () => {
  it('sorts the days and fills the days without calls with zeros', () => {
    const s = dailySeries([day('2026-03-03', 2), day('2026-02-28', 1), day('2026-03-01', 4)]);
    expect(s.map((d) => [d.day, d.calls])).toEqual([
      ['2026-02-28', 1],
      ['2026-03-01', 4],
      ['2026-03-02', 0],
      ['2026-03-03', 2],
    ]);
    expect(s[2]).toEqual({ day: '2026-03-02', calls: 0, totalTokens: 0, wh: 0, co2eG: 0 });
  });

  it('answers nothing for no days, and leaves a range longer than maxDays unfilled', () => {
    expect(dailySeries(undefined)).toEqual([]);
    expect(dailySeries([])).toEqual([]);
    const sparse = dailySeries([day('2025-01-01', 1), day('2026-06-01', 1)], 366);
    expect(sparse.map((d) => d.day)).toEqual(['2025-01-01', '2026-06-01']);
  });
});

describe('breakdown', () => {
  const byTool = {
    'eco:usage_summary': { calls: 3, totalTokens: 0, wh: 0.001, co2eG: 0.0004 },
    'agent-seo:analyze_page': { calls: 3, totalTokens: 900, wh: 0.2, co2eG: 0.08 },
    'agent-content:draft': { calls: 1, totalTokens: 4000, wh: 0.9, co2eG: 0.3 },
  };

  it('orders by the chosen figure, ties by name, and keeps the top rows', () => {
    expect(breakdown(byTool).map((r) => r.name)).toEqual(['agent-seo:analyze_page', 'eco:usage_summary', 'agent-content:draft']);
    expect(breakdown(byTool, 'totalTokens', 2).map((r) => r.name)).toEqual(['agent-content:draft', 'agent-seo:analyze_page']);
    expect(breakdown(byTool, 'wh')[0]).toEqual({
      name: 'agent-content:draft',
      label: 'agent-content:draft',
      calls: 1,
      totalTokens: 4000,
      wh: 0.9,
      co2eG: 0.3,
    });
  });

  it('names each row in words when told how (a tool without a name keeps its id)', () => {
    const rows = breakdown(byTool, 'calls', 12, {
      'agent-content:draft': 'Content agent · Draft',
      'eco:usage_summary': 'Eco · Usage summary',
    });
    expect(rows.map((r) => r.label)).toEqual(['agent-seo:analyze_page', 'Eco · Usage summary', 'Content agent · Draft']);
  });

  it('answers nothing for a missing breakdown', () => {
    expect(breakdown(undefined)).toEqual([]);
  });
});

describe('figure', () => {
  it('rounds to the given decimals without trailing zeros', () => {
    expect(figure(0.123456)).toBe('0.123');
    expect(figure(2)).toBe('2');
    expect(figure(12345.5, 1)).toBe('12,345.5');
  });
});

describe('wrapLabel', () => {
  it('breaks a long tool name into short lines at its separators, keeping every character', () => {
    const lines = wrapLabel('connector-social-sandbox:schedule_post');
    expect(lines.every((l) => l.length <= 18)).toBe(true);
    expect(lines.join('')).toBe('connector-social-sandbox:schedule_post');
    expect(lines.length).toBeGreaterThan(1);
    expect(wrapLabel('eco:usage')).toEqual(['eco:usage']);
    expect(wrapLabel('a'.repeat(40))).toEqual(['a'.repeat(18), 'a'.repeat(18), 'a'.repeat(4)]);
  });
});
