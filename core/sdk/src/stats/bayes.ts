import { createRng, type Rng, sampleBeta } from './random.js';

/**
 * Beta–Binomial arithmetic for rates (clicks per send, conversions per send), one implementation for the host's
 * analytics and the agents that learn from results. An arm with `successes` out of `trials` and a Beta(α₀, β₀)
 * prior has the posterior Beta(α₀ + successes, β₀ + trials − successes); the default prior is the uniform Beta(1, 1).
 */
export interface BetaArm {
  successes: number;
  trials: number;
}

export interface BetaPrior {
  alpha: number;
  beta: number;
}

export const UNIFORM_PRIOR: BetaPrior = Object.freeze({ alpha: 1, beta: 1 });

export interface BetaPosterior {
  alpha: number;
  beta: number;
  /** The posterior mean α / (α + β). */
  mean: number;
}

/** The posterior of one arm; successes are clamped to [0, trials] (a click counted without its send cannot push a rate above 1). */
export function betaPosterior(arm: BetaArm, prior: BetaPrior = UNIFORM_PRIOR): BetaPosterior {
  const trials = Math.max(0, arm.trials);
  const s = Math.max(0, Math.min(arm.successes, trials));
  const alpha = prior.alpha + s;
  const beta = prior.beta + trials - s;
  return { alpha, beta, mean: alpha / (alpha + beta) };
}

export interface ProbabilityBestOptions {
  /** Joint posterior draws (default 4000): the Monte Carlo error of each probability is at most 0.5/√draws. */
  draws?: number;
  /** Seed of the draws (default 1): the same arms and seed always answer the same. Ignored when `rng` is given. */
  seed?: string | number;
  rng?: Rng;
  prior?: BetaPrior;
}

/**
 * P(arm has the highest rate), for each arm in order, by Monte Carlo: `draws` times, one rate is drawn from each
 * arm's Beta posterior and the arm with the highest draw wins; an arm's probability is its share of wins. Ties
 * (measure zero) go to the lower index. The probabilities add up to 1.
 */
export function probabilityBest(arms: readonly BetaArm[], opts: ProbabilityBestOptions = {}): number[] {
  if (arms.length === 0) return [];
  if (arms.length === 1) return [1];
  const draws = Math.max(1, Math.floor(opts.draws ?? 4000));
  const rng = opts.rng ?? createRng(opts.seed ?? 1);
  const posts = arms.map((a) => betaPosterior(a, opts.prior));
  const wins = new Array<number>(arms.length).fill(0);
  for (let d = 0; d < draws; d++) {
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < posts.length; i++) {
      const p = posts[i]!;
      const v = sampleBeta(rng, p.alpha, p.beta);
      if (v > bestValue) {
        bestValue = v;
        best = i;
      }
    }
    wins[best]!++;
  }
  return wins.map((w) => w / draws);
}

export interface ThompsonArm extends BetaPosterior {
  /** Share of the draws in which this arm had the highest sampled rate: its Thompson-sampling share of traffic. */
  probabilityBest: number;
}

/**
 * Thompson sampling as shares: each arm's posterior and its probability of being best, which is the fraction of
 * traffic (or budget) Thompson sampling sends it — each unit goes to the arm whose sampled rate is highest.
 */
export function thompsonShares(arms: readonly BetaArm[], opts: ProbabilityBestOptions = {}): ThompsonArm[] {
  const p = probabilityBest(arms, opts);
  return arms.map((a, i) => ({ ...betaPosterior(a, opts.prior), probabilityBest: p[i]! }));
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

/**
 * The default A/B stopping rule: stop a variant only once its probability of being best is below `stopBelow` AND it
 * has had at least `minTrials` sends. The old default (0.05 after 200) stopped a variant after 500 sends at P(best)
 * 0.04 — about one wrong stop in 25 between equal variants, sooner with many looks; 0.01 after 1,000 each is the
 * safer default. Both stay configurable per call.
 */
export const DEFAULT_STOPPING_RULE = Object.freeze({ stopBelow: 0.01, minTrials: 1000 });
