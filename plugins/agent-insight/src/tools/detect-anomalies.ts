import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { detectRobust, detectSeasonal } from '../anomalies.js';
import { insightErrors } from '../errors.js';
import { round } from '../stats.js';

const input = z.object({
  values: z.array(z.number()).min(5).max(100_000).describe('The metric series, oldest first, equally spaced (at least 5 points).'),
  method: z
    .enum(['robust_z', 'seasonal_naive'])
    .default('robust_z')
    .describe('robust_z: modified z-score against the median/MAD of the series; seasonal_naive: of the change from one period earlier.'),
  period: z
    .number()
    .int()
    .min(2)
    .max(10_000)
    .optional()
    .describe('Season length in points for seasonal_naive, e.g. 7 for daily data with a weekly cycle.'),
  threshold: z
    .number()
    .positive()
    .max(100)
    .default(3.5)
    .describe('|score| above which a point is an anomaly (default 3.5, the Iglewicz–Hoaglin cut-off).'),
  timestamps: z.array(z.string()).optional().describe('Labels of the points (same length as values), echoed back with each anomaly.'),
});

export const detectAnomalies = defineTool({
  name: 'detect_anomalies',
  description:
    'Finds anomalies in a metric time series by robust z-scores (median and MAD, so outliers do not mask themselves) or by a seasonal naive model (the change from one period earlier); returns the indices, values and scores.',
  sideEffect: 'none',
  input,
  output: z.object({
    method: z.enum(['robust_z', 'seasonal_naive']),
    anomalies: z.array(
      z.object({
        index: z.number(),
        value: z.number(),
        score: z.number(),
        direction: z.enum(['high', 'low']),
        timestamp: z.string().optional(),
      }),
    ),
    /** Median of the series (or of the seasonal residuals). */
    center: z.number(),
    /** MAD (or mean absolute deviation when the MAD is 0) of the same. */
    spread: z.number(),
    spreadMethod: z.enum(['mad', 'mean_ad', 'none']),
    threshold: z.number(),
  }),
  run(a) {
    if (a.timestamps && a.timestamps.length !== a.values.length)
      throw insightErrors.create(
        'NH_INSIGHT_SERIES_TOO_SHORT',
        `timestamps has ${a.timestamps.length} labels for ${a.values.length} values: give one per value`,
      );
    let r: ReturnType<typeof detectRobust>;
    if (a.method === 'seasonal_naive') {
      if (a.period === undefined || a.values.length < 2 * a.period + 3)
        throw insightErrors.create(
          'NH_INSIGHT_SERIES_TOO_SHORT',
          `seasonal_naive needs a period and at least 2·period + 3 values (have ${a.values.length}, period ${a.period ?? 'missing'})`,
          {
            details: { values: a.values.length, period: a.period },
          },
        );
      r = detectSeasonal(a.values, a.period, a.threshold);
    } else r = detectRobust(a.values, a.threshold);
    return {
      method: a.method,
      anomalies: r.anomalies.map((x) => ({
        ...x,
        score: round(x.score, 4),
        ...(a.timestamps ? { timestamp: a.timestamps[x.index] } : {}),
      })),
      center: r.center,
      spread: r.spread,
      spreadMethod: r.spreadMethod,
      threshold: a.threshold,
    };
  },
});
