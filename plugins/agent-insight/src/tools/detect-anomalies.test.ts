import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { detectAnomalies } from './detect-anomalies.js';

const h = createHarness(plugin);
const run = (input: unknown) => h.run(detectAnomalies, input);

const week = [10, 12, 14, 16, 14, 12, 10];
const fourWeeks = () => [...week, ...week, ...week, ...week];

describe('detect_anomalies', () => {
  it('robust z: one spike, median 10, MAD 1, score 0.6745·40/1', async () => {
    const r = await run({ values: [10, 10, 11, 9, 10, 12, 10, 50, 9, 11], timestamps: 'abcdefghij'.split('') });
    expect(r).toMatchObject({ method: 'robust_z', center: 10, spread: 1, spreadMethod: 'mad', threshold: 3.5 });
    expect(r.anomalies).toEqual([{ index: 7, value: 50, score: 26.98, direction: 'high', timestamp: 'h' }]);
  });

  it('falls back to the mean absolute deviation when the MAD is 0, and finds nothing in a flat series', async () => {
    const r = await run({ values: [5, 5, 5, 5, 5, 5, 20] });
    expect(r.spreadMethod).toBe('mean_ad');
    expect(r.anomalies).toHaveLength(1);
    expect(r.anomalies[0]).toMatchObject({ index: 6, direction: 'high' });
    expect(r.anomalies[0]!.score).toBeCloseTo(15 / (1.2533 * (15 / 7)), 3);
    expect((await run({ values: [3, 3, 3, 3, 3] })).anomalies).toEqual([]);
  });

  it('seasonal naive finds a drop that is normal overall but not for its weekday; robust z misses it', async () => {
    const values = fourWeeks();
    values[17] = 10; // a Thursday (16) as low as a Sunday
    expect((await run({ values })).anomalies).toEqual([]);
    const r = await run({ values, method: 'seasonal_naive', period: 7 });
    // Residuals: 0 except −6 at 17 and its echo +6 at 24 (reported once, at 17).
    expect(r.anomalies).toEqual([{ index: 17, value: 10, score: -8.3779, direction: 'low' }]);
  });

  it('flags low values too and honours the threshold', async () => {
    const values = [100, 102, 98, 101, 99, 100, 40, 101, 100, 99];
    expect((await run({ values })).anomalies.map((a) => [a.index, a.direction])).toEqual([[6, 'low']]);
    expect((await run({ values, threshold: 100 })).anomalies).toEqual([]);
  });

  it('refuses seasonal without enough periods and mismatched timestamps', async () => {
    await expect(run({ values: week, method: 'seasonal_naive', period: 7 })).rejects.toMatchObject({ code: 'NH_INSIGHT_SERIES_TOO_SHORT' });
    await expect(run({ values: [1, 2, 3, 4, 5], timestamps: ['a'] })).rejects.toMatchObject({ code: 'NH_INSIGHT_SERIES_TOO_SHORT' });
    await expect(run({ values: [1, 2, 3] })).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
  });
});
