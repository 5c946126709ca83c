import { mad, mean, median } from './stats.js';

export interface Anomaly {
  index: number;
  value: number;
  /** Robust z-score of the value (or of its seasonal residual). */
  score: number;
  direction: 'high' | 'low';
}

/** 0.6745 = Φ⁻¹(0.75): makes the MAD a consistent estimator of σ for normal data (Iglewicz & Hoaglin). */
const MAD_SCALE = 0.6745;
/** With MAD = 0, the mean absolute deviation times 1.2533 (√(π/2)) stands in for σ. */
const MEAN_AD_SCALE = 1.2533;

/**
 * Modified z-scores 0.6745·(x − median)/MAD. When more than half the values are equal (MAD = 0)
 * the mean absolute deviation is used instead; when every value is equal all scores are 0.
 */
export function robustZ(xs: readonly number[]): {
  scores: number[];
  center: number;
  spread: number;
  spreadMethod: 'mad' | 'mean_ad' | 'none';
} {
  const center = median(xs);
  const m = mad(xs, center);
  if (m > 0) return { scores: xs.map((x) => (MAD_SCALE * (x - center)) / m), center, spread: m, spreadMethod: 'mad' };
  const meanAd = mean(xs.map((x) => Math.abs(x - center)));
  if (meanAd > 0)
    return { scores: xs.map((x) => (x - center) / (MEAN_AD_SCALE * meanAd)), center, spread: meanAd, spreadMethod: 'mean_ad' };
  return { scores: xs.map(() => 0), center, spread: 0, spreadMethod: 'none' };
}

/** Points whose |robust z| exceeds the threshold. */
export function detectRobust(values: readonly number[], threshold: number) {
  const z = robustZ(values);
  const anomalies: Anomaly[] = [];
  z.scores.forEach((s, i) => {
    if (Math.abs(s) > threshold) anomalies.push({ index: i, value: values[i]!, score: s, direction: s > 0 ? 'high' : 'low' });
  });
  return { anomalies, center: z.center, spread: z.spread, spreadMethod: z.spreadMethod };
}

/**
 * Seasonal naive: each point is predicted by the point one period earlier; the residuals
 * x[t] − x[t−period] (t ≥ period) get robust z-scores. The first period has no prediction.
 * A spike shows in two residuals (up at t, down at t + period): only the first is reported when
 * the second is explained by it.
 */
export function detectSeasonal(values: readonly number[], period: number, threshold: number) {
  const residuals = values.slice(period).map((x, i) => x - values[i]!);
  const z = robustZ(residuals);
  const anomalies: Anomaly[] = [];
  const flagged = new Set<number>();
  z.scores.forEach((s, i) => {
    const index = i + period;
    if (Math.abs(s) <= threshold) return;
    // The echo of an anomaly one period back: x[t−period] was the outlier, not x[t].
    if (flagged.has(index - period) && Math.sign(s) !== Math.sign(anomalies.find((a) => a.index === index - period)!.score)) return;
    flagged.add(index);
    anomalies.push({ index, value: values[index]!, score: s, direction: s > 0 ? 'high' : 'low' });
  });
  return { anomalies, center: z.center, spread: z.spread, spreadMethod: z.spreadMethod };
}
