import { createRng, sampleBeta } from './random.js';

export interface ArmStats {
  successes: number;
  failures: number;
}

export interface ArmAllocation {
  alpha: number;
  beta: number;
  /** Posterior mean alpha / (alpha + beta). */
  expectedConversionRate: number;
  /** Share of the draws in which this arm had the highest sampled rate. */
  probabilityBest: number;
}

/**
 * Thompson sampling over Beta(successes + 1, failures + 1) posteriors: draws one rate per arm
 * `samples` times from a PRNG seeded with `seed` and counts how often each arm wins. Ties go to
 * the lower index (measure zero for continuous draws). Same inputs and seed → the same numbers.
 */
export function thompsonShares(arms: readonly ArmStats[], samples: number, seed: string): ArmAllocation[] {
  const rng = createRng(seed);
  const params = arms.map((a) => ({ alpha: a.successes + 1, beta: a.failures + 1 }));
  const wins = new Array<number>(arms.length).fill(0);
  for (let s = 0; s < samples; s++) {
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < params.length; i++) {
      const v = sampleBeta(rng, params[i]!.alpha, params[i]!.beta);
      if (v > bestValue) {
        bestValue = v;
        best = i;
      }
    }
    wins[best]!++;
  }
  return params.map((p, i) => ({
    alpha: p.alpha,
    beta: p.beta,
    expectedConversionRate: p.alpha / (p.alpha + p.beta),
    probabilityBest: wins[i]! / samples,
  }));
}

/** Splits `total` by `weights` into cents that add up exactly (largest remainder). */
export function splitAmount(total: number, weights: readonly number[]): number[] {
  const cents = Math.round(total * 100);
  const sum = weights.reduce((s, w) => s + w, 0);
  const raw = weights.map((w) => (sum > 0 ? (cents * w) / sum : cents / weights.length));
  const floors = raw.map(Math.floor);
  let left = cents - floors.reduce((s, f) => s + f, 0);
  const order = raw.map((r, i) => ({ i, frac: r - Math.floor(r) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i]!++;
    left--;
  }
  return floors.map((c) => c / 100);
}
