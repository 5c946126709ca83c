import { describe, expect, it } from 'vitest';
import { describeAnomaly, NARROW, niceTicks, seriesChart, WIDE } from './series-chart';

const days = ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06', '2026-11-07', '2026-11-08', '2026-11-09'];
const values = [3, 2, 4, 30, 3, 2, 3, 4];
const expected = [3, 3, 3, 3, 3, 3, 3, 3];
const spike = { day: '2026-11-05', value: 30, expected: 3, score: 7.1, direction: 'high' as const };

describe('series chart geometry', () => {
  it('picks round ticks that cover the largest value', () => {
    expect(niceTicks(30, 4)).toEqual([0, 10, 20, 30]);
    expect(niceTicks(37, 4)).toEqual([0, 10, 20, 30, 40]);
    expect(niceTicks(3, 4)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(1234, 4)).toEqual([0, 500, 1000, 1500]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  it('places the days across the plot, the highest value at the top, and the anomaly on its day', () => {
    const g = seriesChart(days, values, expected, [spike], WIDE);
    expect(g.points[0]!.x).toBe(WIDE.margin.left);
    expect(g.points.at(-1)!.x).toBe(WIDE.width - WIDE.margin.right);
    expect(g.points[3]!.y).toBe(WIDE.margin.top); // 30 is the top tick
    expect(g.points[0]!.y).toBeGreaterThan(g.points[3]!.y);
    expect(g.anomalies).toHaveLength(1);
    expect(g.anomalies[0]).toMatchObject({ day: '2026-11-05', x: g.points[3]!.x, y: g.points[3]!.y });
    expect(g.anomalies[0]!.expectedY).toBeGreaterThan(g.anomalies[0]!.y);
    expect(g.line.startsWith('M')).toBe(true);
    expect(g.line.match(/L/g)).toHaveLength(days.length - 1);
  });

  it('labels fewer days on the narrow chart, always the last one', () => {
    const wide = seriesChart(days, values, expected, [], WIDE);
    const narrow = seriesChart(days, values, expected, [], NARROW);
    expect(narrow.xTicks.length).toBeLessThan(wide.xTicks.length);
    expect(narrow.xTicks.at(-1)!.day).toBe('2026-11-09');
    expect(narrow.xTicks.at(-1)).toMatchObject({ label: '9 Nov', anchor: 'end' });
  });

  it('ignores an anomaly outside the days shown', () => {
    expect(seriesChart(days, values, expected, [{ ...spike, day: '2026-10-01' }], WIDE).anomalies).toEqual([]);
  });
});

describe('anomalies in words', () => {
  it('says the day, the metric, what was expected and how far off it was', () => {
    expect(describeAnomaly('clicked', spike)).toBe('Thu 5 Nov: 30 clicks where about 3 were expected (10× the usual).');
    expect(describeAnomaly('sent', { ...spike, value: 0, expected: 120, direction: 'low' })).toBe(
      'Thu 5 Nov: 0 messages sent where about 120 were expected (none at all).',
    );
    expect(describeAnomaly('opened', { ...spike, value: 20, expected: 80, direction: 'low' })).toBe(
      'Thu 5 Nov: 20 opens where about 80 were expected (75% fewer than usual).',
    );
  });
});
