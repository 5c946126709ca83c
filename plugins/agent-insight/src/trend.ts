import { median, normalCdf } from './stats.js';

export interface MannKendall {
  n: number;
  s: number;
  variance: number;
  z: number;
  /** Two-sided p-value of the normal approximation. */
  pValue: number;
  /** Kendall's tau-a: S / (n(n−1)/2). */
  tau: number;
  /** Sen's slope: the median of the pairwise slopes (per step). */
  sensSlope: number;
  trend: 'increasing' | 'decreasing' | 'no trend';
}

/**
 * Mann–Kendall trend test: S = Σ sign(x_j − x_i) over i < j, its variance with the tie
 * correction n(n−1)(2n+5) − Σ t(t−1)(2t+5), over 18, and Z with the continuity correction.
 * O(n²): meant for series of up to a few thousand points.
 */
export function mannKendall(xs: readonly number[], alpha: number): MannKendall {
  const n = xs.length;
  let s = 0;
  const slopes: number[] = [];
  for (let i = 0; i < n - 1; i++)
    for (let j = i + 1; j < n; j++) {
      const d = xs[j]! - xs[i]!;
      s += Math.sign(d);
      slopes.push(d / (j - i));
    }
  const ties = new Map<number, number>();
  for (const x of xs) ties.set(x, (ties.get(x) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) if (t > 1) tieTerm += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const z = variance === 0 ? 0 : s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0;
  const pValue = Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
  const trend = pValue < alpha ? (s > 0 ? 'increasing' : 'decreasing') : 'no trend';
  return { n, s, variance, z, pValue, tau: s / ((n * (n - 1)) / 2), sensSlope: median(slopes), trend };
}
