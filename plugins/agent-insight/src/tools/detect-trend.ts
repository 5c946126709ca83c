import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { round } from '../stats.js';
import { mannKendall } from '../trend.js';

const input = z.object({
  values: z.array(z.number()).min(4).max(5000).describe('The metric series, oldest first, equally spaced (4–5000 points).'),
  alpha: z.number().gt(0).lt(0.5).default(0.05).describe('Significance level of the test (default 0.05).'),
});

export const detectTrend = defineTool({
  name: 'detect_trend',
  description:
    'Tests a metric series for a monotonic trend with the Mann–Kendall test (tie-corrected, normal approximation) and estimates its size with Sen’s slope; says increasing, decreasing or no trend at the given significance.',
  sideEffect: 'none',
  input,
  output: z.object({
    trend: z.enum(['increasing', 'decreasing', 'no trend']),
    n: z.number(),
    s: z.number(),
    z: z.number(),
    pValue: z.number(),
    tau: z.number(),
    sensSlope: z.number(),
    alpha: z.number(),
  }),
  run(a) {
    const r = mannKendall(a.values, a.alpha);
    return {
      trend: r.trend,
      n: r.n,
      s: r.s,
      z: round(r.z, 4),
      pValue: round(r.pValue, 6),
      tau: round(r.tau, 4),
      sensSlope: r.sensSlope,
      alpha: a.alpha,
    };
  },
});
