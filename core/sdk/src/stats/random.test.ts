import { describe, expect, it } from 'vitest';
import { createRng, sampleBeta, sampleGamma } from './random.js';

describe('seeded randomness', () => {
  it('is reproducible per seed and differs across seeds', () => {
    const a = createRng('seed-1');
    const b = createRng('seed-1');
    const c = createRng('seed-2');
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('uniform mean is 1/2', () => {
    const r = createRng('uniform');
    let s = 0;
    for (let i = 0; i < 20_000; i++) s += r();
    expect(s / 20_000).toBeCloseTo(0.5, 2);
  });

  it('Gamma(k) has mean k and Beta(a, b) has mean a / (a + b)', () => {
    const r = createRng('moments');
    const n = 20_000;
    let g = 0;
    let small = 0;
    let beta = 0;
    for (let i = 0; i < n; i++) {
      g += sampleGamma(r, 3);
      small += sampleGamma(r, 0.5);
      beta += sampleBeta(r, 2, 8);
    }
    expect(g / n).toBeCloseTo(3, 1);
    expect(small / n).toBeCloseTo(0.5, 1);
    expect(beta / n).toBeCloseTo(0.2, 2);
  });
});
