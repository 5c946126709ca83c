import { createRng, sampleNormal } from '@neonhub/sdk';
import { zForConfidence } from './stats.js';

export interface HoltFit {
  alpha: number;
  beta: number;
  level: number;
  trend: number;
  /** Root mean squared one-step-ahead error over the fitted points. */
  sigma: number;
  sse: number;
}

/** One pass of Holt's linear method; returns the final state and the SSE of the one-step forecasts. */
function run(xs: readonly number[], alpha: number, beta: number) {
  let level = xs[0]!;
  let trend = xs[1]! - xs[0]!;
  let sse = 0;
  for (let t = 1; t < xs.length; t++) {
    const forecast = level + trend;
    const e = xs[t]! - forecast;
    sse += e * e;
    const prevLevel = level;
    level = alpha * xs[t]! + (1 - alpha) * (level + trend);
    trend = beta * (level - prevLevel) + (1 - beta) * trend;
  }
  return { level, trend, sse };
}

/**
 * Holt's linear exponential smoothing, initialised with level x0 and trend x1 − x0. Without
 * given parameters, α and β are chosen on a 0.05 grid (then refined to 0.01) to minimise the
 * sum of squared one-step-ahead errors.
 */
export function fitHolt(xs: readonly number[], alpha?: number, beta?: number): HoltFit {
  const search = (center: { a: number; b: number } | undefined, step: number, span: number) => {
    let best = { a: alpha ?? 0.5, b: beta ?? 0.1, sse: Number.POSITIVE_INFINITY };
    const range = (fixed: number | undefined, c: number | undefined) => {
      if (fixed !== undefined) return [fixed];
      const lo = c === undefined ? step : Math.max(0.01, c - span);
      const hi = c === undefined ? 1 : Math.min(1, c + span);
      const out: number[] = [];
      for (let v = lo; v <= hi + 1e-9; v += step) out.push(Math.round(v * 100) / 100);
      return out;
    };
    for (const a of range(alpha, center?.a))
      for (const b of range(beta, center?.b)) {
        const { sse } = run(xs, a, b);
        if (sse < best.sse - 1e-12) best = { a, b, sse };
      }
    return best;
  };
  const coarse = search(undefined, 0.05, 0);
  const fine = alpha !== undefined && beta !== undefined ? coarse : search(coarse, 0.01, 0.05);
  const final = run(xs, fine.a, fine.b);
  const points = xs.length - 1;
  return {
    alpha: fine.a,
    beta: fine.b,
    level: final.level,
    trend: final.trend,
    sse: final.sse,
    sigma: Math.sqrt(final.sse / Math.max(1, points)),
  };
}

/**
 * h-step forecasts ℓ + h·b with the prediction interval of Holt's method (Hyndman & Athanasopoulos,
 * FPP3 table 5.2): σ_h² = σ²·[1 + (h−1)·(α² + αβh + β²h(2h−1)/6)].
 */
export function forecastHolt(fit: HoltFit, horizon: number, confidence: number) {
  const z = zForConfidence(confidence);
  const { alpha: a, beta: b, sigma } = fit;
  return Array.from({ length: horizon }, (_, i) => {
    const h = i + 1;
    const value = fit.level + h * fit.trend;
    const sd = sigma * Math.sqrt(1 + (h - 1) * (a * a + a * b * h + (b * b * h * (2 * h - 1)) / 6));
    return { step: h, value, lower: value - z * sd, upper: value + z * sd };
  });
}

/**
 * The range of the sum of the next `horizon` values (a week's total from daily points), by simulating the model's
 * future paths (Holt's method as a state-space model with additive errors of the fitted σ: level += trend + α·e,
 * trend += α·β·e) and taking the central `confidence` share of the path sums. Values below 0 count as 0 (counts).
 * Seeded, so the same fit always gives the same range.
 */
export function simulateHoltSum(fit: HoltFit, horizon: number, confidence: number, opts: { paths?: number; seed?: string } = {}) {
  const rng = createRng(opts.seed ?? 'holt-sum');
  const n = opts.paths ?? 1000;
  const sums: number[] = [];
  for (let p = 0; p < n; p++) {
    let level = fit.level;
    let trend = fit.trend;
    let total = 0;
    for (let h = 0; h < horizon; h++) {
      const e = fit.sigma * sampleNormal(rng);
      total += Math.max(0, level + trend + e);
      level += trend + fit.alpha * e;
      trend += fit.alpha * fit.beta * e;
    }
    sums.push(total);
  }
  sums.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  const at = (q: number) => sums[Math.min(n - 1, Math.max(0, Math.floor(q * n)))]!;
  return { lower: at(tail), upper: at(1 - tail) };
}
