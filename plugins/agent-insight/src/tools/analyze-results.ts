import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { digestConfig } from '../config.js';
import { readAndAnalyze, yesterday } from '../results/read.js';
import { ResultsAnalysisSchema } from '../results/schema.js';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const analyzeResults = defineTool({
  name: 'analyze_results',
  description:
    "Reads the workspace's stored campaign results (daily sends, deliveries, opens, clicks, conversions) and reports the week ending asOf: days that were anomalies for their campaign (robust z-scores on variance-stabilised counts, with the weekday pattern) and the likely reason (volume or rate), the biggest week-over-week changes, and next week's forecast (Holt) with an 80% range.",
  sideEffect: 'read',
  input: z.object({
    asOf: Day.optional().describe('Last day of the reported week (YYYY-MM-DD, UTC); default yesterday.'),
    weeks: z
      .number()
      .int()
      .min(2)
      .max(12)
      .optional()
      .describe('Weeks read, the last reported and the others as baseline (default: the digest config, 4).'),
    campaign: z.string().min(1).max(100).optional().describe('Only this campaign.'),
    threshold: z.number().min(2).max(20).optional().describe('Robust z cut-off for an anomaly (default 4.5).'),
  }),
  output: ResultsAnalysisSchema,
  async run(a, ctx) {
    const weeks = a.weeks ?? digestConfig(ctx.config).weeks;
    return readAndAnalyze(ctx, { asOf: a.asOf ?? yesterday(), weeks, campaign: a.campaign, threshold: a.threshold });
  },
});
