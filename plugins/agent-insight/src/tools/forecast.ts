import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { fitHolt, forecastHolt } from '../holt.js';
import { round } from '../stats.js';

const input = z.object({
  values: z.array(z.number()).min(4).max(10_000).describe('The metric series, oldest first, equally spaced (at least 4 points).'),
  horizon: z.number().int().min(1).max(365).default(7).describe('How many steps ahead to forecast (default 7).'),
  alpha: z.number().min(0.01).max(1).optional().describe('Level smoothing 0.01–1; chosen by least squares when left out.'),
  beta: z.number().min(0.01).max(1).optional().describe('Trend smoothing 0.01–1; chosen by least squares when left out.'),
  confidence: z.number().min(0.5).max(0.999).default(0.95).describe('Coverage of the prediction interval (default 0.95).'),
});

export const forecast = defineTool({
  name: 'forecast',
  description:
    'Forecasts a metric a few steps ahead with Holt’s linear exponential smoothing (level and trend, parameters fitted by least squares unless given), with a prediction interval that widens with the horizon.',
  sideEffect: 'none',
  input,
  output: z.object({
    forecast: z.array(z.object({ step: z.number(), value: z.number(), lower: z.number(), upper: z.number() })),
    alpha: z.number(),
    beta: z.number(),
    level: z.number(),
    trend: z.number(),
    /** RMSE of the one-step-ahead errors in the fit: the interval's σ. */
    sigma: z.number(),
    confidence: z.number(),
  }),
  run(a) {
    const fit = fitHolt(a.values, a.alpha, a.beta);
    return {
      forecast: forecastHolt(fit, a.horizon, a.confidence).map((p) => ({
        step: p.step,
        value: round(p.value),
        lower: round(p.lower),
        upper: round(p.upper),
      })),
      alpha: fit.alpha,
      beta: fit.beta,
      level: round(fit.level),
      trend: round(fit.trend),
      sigma: round(fit.sigma),
      confidence: a.confidence,
    };
  },
});
