import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';

/**
 * Beta posteriors for rates (clicks per send, conversions per send) with a uniform prior: Beta(1 + s, 1 + n - s).
 * Credible intervals are exact Beta quantiles (stdlib's inverse incomplete beta); probability-of-best is Monte
 * Carlo over seeded draws (Marsaglia–Tsang gamma sampling), so one request always answers the same.
 */

/** mulberry32: a small seeded PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number): number {
  let u = 0;
  while (u === 0) u = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

function gamma(shape: number, rand: () => number): number {
  if (shape < 1) return gamma(shape + 1, rand) * rand() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rand);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rand();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function betaSample(a: number, b: number, rand: () => number): number {
  const x = gamma(a, rand);
  return x / (x + gamma(b, rand));
}

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
  const s = Math.max(0, Math.min(successes, trials));
  const a = 1 + s;
  const b = 1 + trials - s;
  return { successes, trials, mean: a / (a + b), low: betaQuantile(0.025, a, b), high: betaQuantile(0.975, a, b) };
}

/** P(arm has the highest rate) for each arm, from joint posterior draws. */
export function probabilityBest(
  arms: ReadonlyArray<{ key: string; successes: number; trials: number }>,
  seed = 1,
  draws = DRAWS,
): Record<string, number> {
  const wins = new Map(arms.map((a) => [a.key, 0]));
  if (arms.length === 0) return {};
  const rand = seededRandom(seed);
  for (let i = 0; i < draws; i++) {
    let best = '';
    let bestValue = -1;
    for (const a of arms) {
      const s = Math.max(0, Math.min(a.successes, a.trials));
      const v = betaSample(1 + s, 1 + a.trials - s, rand);
      if (v > bestValue) {
        bestValue = v;
        best = a.key;
      }
    }
    wins.set(best, (wins.get(best) ?? 0) + 1);
  }
  return Object.fromEntries([...wins].map(([k, w]) => [k, w / draws]));
}
