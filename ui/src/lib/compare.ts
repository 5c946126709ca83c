/**
 * Variants and channels compared in words a marketer reads: each one's chance of having the best click rate, and a
 * sentence naming the likely best with its rate and the range it probably lies in (the 95% credible interval).
 */
import type { ApiOutput } from '@neonhub/schemas';

export type Comparison = ApiOutput<'funnel'>['variants'][number];

export const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
/** The rate as counted (clicks per send), what a marketer expects to read; the interval says how sure it is. */
export const observed = (r: { successes: number; trials: number }) => (r.trials > 0 ? r.successes / r.trials : 0);

/** "96% chance it is the best", "under 1% chance", or '' when there is nothing to compare with. */
export function chanceWords(p: number | null): string {
  if (p === null) return '';
  if (p < 0.01) return 'under 1% chance it is the best';
  if (p > 0.99) return 'over 99% chance it is the best';
  return `${Math.round(100 * p)}% chance it is the best`;
}

/** "6.3% (probably between 5.1% and 7.6%)". */
export const rateWords = (r: Comparison['clickRate']) =>
  r.trials === 0 ? 'no sends yet' : `${pct(observed(r))} (probably between ${pct(r.low)} and ${pct(r.high)})`;

/**
 * The verdict over variants (or channels): who is likely best and how sure that is.
 * "Variant B is very likely the best: 96% chance. Its click rate is 6.3% (probably between 5.1% and 7.6%), against
 * 2.1% for A."
 */
export function verdict(rows: readonly Comparison[], what: 'variant' | 'channel', label: (key: string) => string): string {
  const ranked = rows
    .filter((r) => r.probabilityBest !== null && r.clickRate.trials > 0)
    .sort((a, b) => b.probabilityBest! - a.probabilityBest!);
  const best = ranked[0];
  if (!best || ranked.length < 2) return '';
  const noun = what === 'variant' ? 'Variant' : 'Channel';
  const others = ranked
    .slice(1)
    .map((r) => `${pct(observed(r.clickRate))} for ${label(r.key)}`)
    .join(', ');
  const p = best.probabilityBest!;
  const how =
    p >= 0.95 ? 'is very likely the best' : p >= 0.8 ? 'is probably the best, not yet sure' : 'leads, but it is too early to call';
  const chance = p > 0.99 ? 'over 99%' : `${Math.round(100 * p)}%`;
  return `${noun} ${label(best.key)} ${how}: ${chance} chance. Its click rate is ${rateWords(best.clickRate)}, against ${others}.`;
}
