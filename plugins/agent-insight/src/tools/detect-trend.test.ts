import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { mannKendall } from '../trend.js';
import { detectTrend } from './detect-trend.js';

const h = createHarness(plugin);

describe('detect_trend', () => {
  it('1..5: S = 10, Var = 16.67, Z = 9/√16.67 = 2.2045, p = 0.0275, increasing, Sen slope 1', async () => {
    const r = await h.run(detectTrend, { values: [1, 2, 3, 4, 5] });
    expect(r).toMatchObject({ trend: 'increasing', n: 5, s: 10, z: 2.2045, tau: 1, sensSlope: 1 });
    expect(r.pValue).toBeCloseTo(0.0275, 4);
  });

  it('a falling series with noise is decreasing with the right slope', async () => {
    const values = Array.from({ length: 30 }, (_, t) => 100 - 2 * t + (t % 3) - 1);
    const r = await h.run(detectTrend, { values });
    expect(r.trend).toBe('decreasing');
    expect(r.pValue).toBeLessThan(1e-6);
    expect(r.sensSlope).toBeCloseTo(-2, 0);
  });

  it('a series that goes up and down has no trend', async () => {
    const r = await h.run(detectTrend, { values: [5, 3, 6, 2, 7, 1, 6, 3, 5, 4] });
    expect(r.trend).toBe('no trend');
    expect(r.pValue).toBeGreaterThan(0.5);
  });

  it('corrects the variance for ties: [1, 1, 2, 2] has S = 4 and Var = (156 − 36)/18', () => {
    const r = mannKendall([1, 1, 2, 2], 0.05);
    expect(r.s).toBe(4);
    expect(r.variance).toBeCloseTo(120 / 18, 10);
    expect(mannKendall([7, 7, 7, 7], 0.05)).toMatchObject({ s: 0, variance: 0, z: 0, pValue: 1, trend: 'no trend' });
  });
});
