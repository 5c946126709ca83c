import { describe, expect, it } from 'vitest';
import { betaPosterior, probabilityBest, splitAmount, thompsonShares } from './bayes.js';

/** P(X_B > X_A) for X_A ~ Beta(a1, b1), X_B ~ Beta(a2, b2) with integer a2 (Evan Miller's closed form), in logs. */
function exactBBeatsA(a1: number, b1: number, a2: number, b2: number): number {
  const lbeta = (x: number, y: number) => lgamma(x) + lgamma(y) - lgamma(x + y);
  let total = 0;
  for (let i = 0; i < a2; i++) total += Math.exp(lbeta(a1 + i, b1 + b2) - Math.log(b2 + i) - lbeta(1 + i, b2) - lbeta(a1, b1));
  return total;
}

// Lanczos approximation of ln Γ(x), x > 0.
function lgamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lgamma(1 - x);
  const xx = x - 1;
  let a = c[0]!;
  const t = xx + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i]! / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

describe('Beta posteriors and probability of best', () => {
  it('the posterior adds successes and failures to the prior, clamping impossible counts', () => {
    expect(betaPosterior({ successes: 3, trials: 10 })).toEqual({ alpha: 4, beta: 8, mean: 4 / 12 });
    expect(betaPosterior({ successes: 12, trials: 10 })).toMatchObject({ alpha: 11, beta: 1 });
    expect(betaPosterior({ successes: 0, trials: 0 }, { alpha: 2, beta: 38 })).toMatchObject({ alpha: 2, beta: 38, mean: 0.05 });
  });

  it('Monte Carlo probability of best agrees with the exact two-arm answer within its error', () => {
    for (const [sa, na, sb, nb] of [
      [30, 1000, 40, 1000],
      [5, 50, 7, 50],
      [0, 0, 1, 3],
      [120, 2000, 100, 1800],
    ] as const) {
      const a = betaPosterior({ successes: sa, trials: na });
      const b = betaPosterior({ successes: sb, trials: nb });
      const exact = exactBBeatsA(a.alpha, a.beta, b.alpha, b.beta);
      const [pA, pB] = probabilityBest(
        [
          { successes: sa, trials: na },
          { successes: sb, trials: nb },
        ],
        { draws: 20_000, seed: `${sa}-${sb}` },
      );
      expect(pA! + pB!).toBeCloseTo(1, 12);
      // 4 standard errors of a 20,000-draw estimate
      expect(Math.abs(pB! - exact)).toBeLessThan(4 * Math.sqrt((exact * (1 - exact)) / 20_000) + 1e-3);
    }
  });

  it('is reproducible per seed, and one arm is best for sure', () => {
    const arms = [
      { successes: 5, trials: 100 },
      { successes: 6, trials: 100 },
      { successes: 4, trials: 100 },
    ];
    expect(probabilityBest(arms, { seed: 's', draws: 500 })).toEqual(probabilityBest(arms, { seed: 's', draws: 500 }));
    expect(probabilityBest(arms, { seed: 's', draws: 500 })).not.toEqual(probabilityBest(arms, { seed: 't', draws: 500 }));
    expect(probabilityBest([{ successes: 0, trials: 0 }])).toEqual([1]);
    expect(probabilityBest([])).toEqual([]);
    const t = thompsonShares(arms, { seed: 's', draws: 500 });
    expect(t[1]).toMatchObject({ alpha: 7, beta: 95 });
    expect(t.reduce((s, x) => s + x.probabilityBest, 0)).toBeCloseTo(1, 12);
  });

  it('splitAmount keeps cents that add up exactly', () => {
    expect(splitAmount(100, [1, 1, 1])).toEqual([33.34, 33.33, 33.33]);
    expect(splitAmount(10, [0, 0])).toEqual([5, 5]);
  });
});
