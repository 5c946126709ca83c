import { describe, expect, it } from 'vitest';
import { type Comparison, chanceWords, verdict } from './compare';

const row = (key: string, clicks: number, sends: number, p: number | null, low = 0, high = 1): Comparison => ({
  key,
  counts: { sent: sends, clicked: clicks },
  clickRate: { successes: clicks, trials: sends, mean: clicks / sends, low, high },
  conversionRate: { successes: 0, trials: sends, mean: 0, low: 0, high: 0.01 },
  probabilityBest: p,
});

describe('comparisons in words', () => {
  it('names the chance of being best', () => {
    expect(chanceWords(0.956)).toBe('96% chance it is the best');
    expect(chanceWords(0.001)).toBe('under 1% chance it is the best');
    expect(chanceWords(0.9995)).toBe('over 99% chance it is the best');
    expect(chanceWords(null)).toBe('');
  });

  it('names the likely best variant, how sure, its rate and the others', () => {
    const label = (k: string) => k;
    expect(verdict([row('A', 21, 1000, 0.04, 0.013, 0.031), row('B', 63, 1000, 0.96, 0.049, 0.08)], 'variant', label)).toBe(
      'Variant B is very likely the best: 96% chance. Its click rate is 6.3% (probably between 4.9% and 8.0%), against 2.1% for A.',
    );
    expect(verdict([row('email', 5, 100, 0.55), row('social', 6, 100, 0.45)], 'channel', (k) => k.toUpperCase())).toMatch(
      /^Channel EMAIL leads, but it is too early to call: 55% chance\./,
    );
    expect(verdict([row('A', 5, 100, 0.85), row('B', 3, 100, 0.15)], 'variant', label)).toMatch(/probably the best, not yet sure: 85%/);
    expect(verdict([row('A', 5, 100, null)], 'variant', label)).toBe('');
    expect(verdict([row('A', 1, 100, 0.0004), row('B', 30, 100, 0.9996)], 'variant', label)).toMatch(
      /^Variant B is very likely the best: over 99% chance\./,
    );
  });
});
