import { z } from 'zod';
import { STAGES } from './analyze.js';

/** zod of ResultsAnalysis (analyze.ts): the output of analyze_results and part of send_digest's. */
const Stage = z.enum(STAGES);
const Range = z.object({ from: z.string(), to: z.string() });
const Counts = z.object(Object.fromEntries(STAGES.map((s) => [s, z.number()])) as Record<(typeof STAGES)[number], z.ZodNumber>);

export const ResultAnomalySchema = z.object({
  campaign: z.string(),
  kind: Stage,
  day: z.string(),
  value: z.number(),
  expected: z.number(),
  score: z.number(),
  direction: z.enum(['high', 'low']),
  inPeriod: z.boolean(),
  cause: z.object({
    type: z.enum(['volume', 'rate', 'level']),
    upstream: Stage.optional(),
    rate: z.number().optional(),
    usualRate: z.number().optional(),
  }),
  /** The anomaly in words, as the digest says it. */
  summary: z.string(),
});

export const ResultsAnalysisSchema = z.object({
  window: Range,
  period: Range,
  previous: Range,
  campaigns: z.array(z.object({ campaign: z.string(), thisWeek: Counts, lastWeek: Counts })),
  anomalies: z.array(ResultAnomalySchema),
  movers: z.array(z.object({ campaign: z.string(), kind: Stage, thisWeek: z.number(), lastWeek: z.number(), z: z.number() })),
  forecast: z.array(z.object({ kind: Stage, thisWeek: z.number(), nextWeek: z.number(), lower: z.number(), upper: z.number() })),
});
