import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { zForConfidence } from '../stats.js';
import { forecast } from './forecast.js';

const h = createHarness(plugin);

describe('forecast', () => {
  it('continues an exact line 5 + 2t with a zero-width interval', async () => {
    const values = Array.from({ length: 20 }, (_, t) => 5 + 2 * t);
    const r = await h.run(forecast, { values, horizon: 3 });
    expect(r.forecast).toEqual([
      { step: 1, value: 45, lower: 45, upper: 45 },
      { step: 2, value: 47, lower: 47, upper: 47 },
      { step: 3, value: 49, lower: 49, upper: 49 },
    ]);
    expect(r).toMatchObject({ level: 43, trend: 2, sigma: 0 });
  });

  it('tracks a noisy trend and widens the interval with the horizon', async () => {
    const values = Array.from({ length: 40 }, (_, t) => 100 + 3 * t + (t % 2 === 0 ? 1.5 : -1.5));
    const r = await h.run(forecast, { values, horizon: 5 });
    expect(r.forecast[0]!.value).toBeGreaterThan(100 + 3 * 40 - 3);
    expect(r.forecast[0]!.value).toBeLessThan(100 + 3 * 40 + 3);
    expect(r.trend).toBeCloseTo(3, 0);
    const widths = r.forecast.map((p) => p.upper - p.lower);
    for (let i = 1; i < widths.length; i++) expect(widths[i]!).toBeGreaterThan(widths[i - 1]!);
    expect(r.forecast[0]!.upper - r.forecast[0]!.value).toBeCloseTo(zForConfidence(0.95) * r.sigma, 4);
  });

  it('uses given smoothing parameters, and the 95 % z is 1.96', async () => {
    expect(zForConfidence(0.95)).toBeCloseTo(1.959964, 5);
    const r = await h.run(forecast, { values: [10, 12, 11, 13, 12, 14], alpha: 0.3, beta: 0.2, horizon: 1 });
    expect(r).toMatchObject({ alpha: 0.3, beta: 0.2 });
    expect(r.forecast).toHaveLength(1);
  });
});
