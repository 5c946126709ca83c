import { createRng, sampleBeta } from '@neonhub/sdk';
import { describe, expect, it } from 'vitest';
import { probabilityBest, rate } from './beta.js';

describe('Beta posteriors', () => {
  it('the credible interval holds the mean and narrows with more trials', () => {
    const small = rate(5, 50);
    const large = rate(500, 5000);
    expect(small.mean).toBeCloseTo(6 / 52, 10);
    expect(small.low).toBeLessThan(small.mean);
    expect(small.high).toBeGreaterThan(small.mean);
    expect(large.high - large.low).toBeLessThan((small.high - small.low) / 3);
    // Beta(1, 1): the uniform, whose 2.5% and 97.5% quantiles are 0.025 and 0.975
    expect(rate(0, 0).low).toBeCloseTo(0.025, 6);
    expect(rate(0, 0).high).toBeCloseTo(0.975, 6);
  });

  it('seeded draws have the Beta mean', () => {
    const rand = createRng(3);
    const n = 20_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sampleBeta(rand, 3, 7);
    expect(sum / n).toBeCloseTo(0.3, 2);
  });

  it('probability of best favours the better arm, and is calibrated over seeds', () => {
    const p = probabilityBest([
      { key: 'A', successes: 30, trials: 1000 },
      { key: 'B', successes: 60, trials: 1000 },
    ]);
    expect(p.B).toBeGreaterThan(0.99);
    expect((p.A ?? 0) + (p.B ?? 0)).toBeCloseTo(1, 10);
    // calibration: draw true rates from the prior (uniform, as the model assumes), simulate, bucket the reported P(B best), compare with how often B was best
    const rand = createRng(99);
    const buckets = Array.from({ length: 5 }, () => ({ said: 0, truth: 0, n: 0 }));
    for (let s = 0; s < 1000; s++) {
      const ra = rand();
      const rb = rand();
      const trials = 100;
      let ca = 0;
      let cb = 0;
      for (let i = 0; i < trials; i++) {
        if (rand() < ra) ca++;
        if (rand() < rb) cb++;
      }
      const said =
        probabilityBest(
          [
            { key: 'A', successes: ca, trials },
            { key: 'B', successes: cb, trials },
          ],
          s + 1,
          1000,
        ).B ?? 0;
      const bucket = buckets[Math.min(4, Math.floor(said * 5))] as (typeof buckets)[number];
      bucket.said += said;
      bucket.truth += rb > ra ? 1 : 0;
      bucket.n++;
    }
    // within 3 binomial standard errors of the bucket's mean claim (a fixed 0.1 was under 2 SE for a 30-case bucket)
    for (const b of buckets.filter((x) => x.n >= 30)) {
      const p = b.said / b.n;
      expect(Math.abs(p - b.truth / b.n)).toBeLessThan(3 * Math.sqrt((p * (1 - p)) / b.n) + 0.02);
    }
  });
});
