import { betaPosterior, probabilityBest as probabilities } from '@neonhub/sdk';
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';

/**
 * Beta posteriors for rates (clicks per send, conversions per send) with a uniform prior: Beta(1 + s, 1 + n - s).
 * Credible intervals are exact Beta quantiles (stdlib's inverse incomplete beta); probability-of-best is Monte
 * Carlo over seeded draws — the SDK's one implementation (`probabilityBest`, shared with the agents) — so one
 * request always answers the same.
 */

export interface Rate {
  successes: number;
  trials: number;
  mean: number;
  low: number;
  high: number;
}

const DRAWS = 4000;

/** The posterior mean and 95% equal-tailed credible interval of a rate (exact quantiles). */
export function rate(successes: number, trials: number): Rate {
  const { alpha: a, beta: b, mean } = betaPosterior({ successes, trials });
  return { successes, trials, mean, low: betaQuantile(0.025, a, b), high: betaQuantile(0.975, a, b) };
}

/** P(arm has the highest rate) for each arm, from joint posterior draws. */
export function probabilityBest(
  arms: ReadonlyArray<{ key: string; successes: number; trials: number }>,
  seed = 1,
  draws = DRAWS,
): Record<string, number> {
  const p = probabilities(arms, { seed, draws });
  return Object.fromEntries(arms.map((a, i) => [a.key, p[i]!]));
}
