import { describe, expect, it } from 'vitest';
import { daysBetween, denseSeries, detectDailyAnomalies } from './daily-anomalies.js';

/** A seeded LCG and Poisson draws (Knuth below 50, normal approximation above). */
function poissonStream(seed: number) {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  return (lambda: number) => {
    if (lambda > 50)
      return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u())));
    const l = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= u();
    } while (p > l);
    return k - 1;
  };
}

const days = daysBetween('2026-11-02', '2026-11-29');

describe('detectDailyAnomalies', () => {
  it('flags a drop on its day, with the count the window expected', () => {
    const draw = poissonStream(7);
    const values = days.map((_, i) => draw(i === 17 ? 30 : 100));
    const r = detectDailyAnomalies(values, { days });
    expect(r.anomalies.map((a) => [a.day, a.direction])).toEqual([['2026-11-19', 'low']]);
    expect(r.anomalies[0]!.expected).toBeGreaterThan(90);
    expect(r.anomalies[0]!.expected).toBeLessThan(110);
  });

  it('flags a spike in a small series (Poisson scale) but not a day off by less than minChange', () => {
    const values = days.map((_, i) => (i === 20 ? 25 : [2, 3, 1, 2, 4][i % 5]!));
    expect(detectDailyAnomalies(values, { days }).anomalies.map((a) => a.day)).toEqual(['2026-11-22']);
    const tiny = days.map((_, i) => (i === 20 ? 3 : 0));
    expect(detectDailyAnomalies(tiny, { days }).anomalies).toEqual([]);
  });

  it('learns a weekly pattern (weekends low) and does not call every weekend an anomaly', () => {
    const draw = poissonStream(11);
    const values = days.map((d) => {
      const w = new Date(`${d}T00:00:00Z`).getUTCDay();
      return draw(w === 0 || w === 6 ? 40 : 200);
    });
    const r = detectDailyAnomalies(values, { days });
    expect(r.weekly).toBe(true);
    expect(r.anomalies).toEqual([]);
    // a Saturday at a weekday's level is unusual for a Saturday
    const sat = days.indexOf('2026-11-21');
    values[sat] = 200;
    expect(detectDailyAnomalies(values, { days }).anomalies.map((a) => [a.day, a.direction])).toEqual([['2026-11-21', 'high']]);
  });

  it('false alarms stay rare on quiet series: under 2% of 500 seeds over five series of 28 days', () => {
    let flagged = 0;
    for (let seed = 1; seed <= 500; seed++) {
      const draw = poissonStream(seed * 7919);
      const any = [5000, 1000, 200, 30, 3].some(
        (lambda) =>
          detectDailyAnomalies(
            days.map(() => draw(lambda)),
            { days },
          ).anomalies.length > 0,
      );
      if (any) flagged++;
    }
    expect(flagged / 500).toBeLessThan(0.02);
  });

  it('needs a week of points, and days matching the values', () => {
    expect(detectDailyAnomalies([1, 1, 1, 100, 1, 1]).anomalies).toEqual([]);
    expect(() => detectDailyAnomalies([1, 2, 3], { days: ['2026-11-02'] })).toThrow(RangeError);
  });
});

describe('denseSeries', () => {
  it('fills missing days with 0 and adds repeated days', () => {
    const d = daysBetween('2026-11-29', '2026-12-02');
    expect(d).toEqual(['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
    expect(
      denseSeries(d, [
        { day: '2026-11-30', count: 2 },
        { day: '2026-11-30', count: 3 },
        { day: '2026-12-02', count: 1 },
        { day: '2027-01-01', count: 9 },
      ]),
    ).toEqual([0, 5, 0, 1]);
  });
});
