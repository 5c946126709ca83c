import { z } from 'zod';
import { WsParamsSchema } from './common.js';
import { defineRoute } from './route.js';

/** What the learning loop scores a draft or an arm by, per message sent: clicks, opens or conversions. */
export const LearningMetricSchema = z.enum(['clicked', 'opened', 'converted']);
export type LearningMetric = z.infer<typeof LearningMetricSchema>;

/**
 * How a workspace's results are gathered and learned from (docs/analytics.md#settings): social metrics are pulled
 * from the networks by a system schedule every `metricsEveryMinutes`, reading the posts published in the last
 * `metricsDays` days; the learning loop scores the prompt variants and campaign budgets every `learningEveryMinutes`
 * by `learningMetric`.
 */
export const ResultsSettingsBodySchema = z.strictObject({
  /** Whether the pull runs; off keeps the interval. */
  metricsEnabled: z.boolean().optional(),
  /** Minutes between two pulls: 15 (the networks' rate limits) to 10080 (a week). */
  metricsEveryMinutes: z.number().int().min(15).max(10_080).optional(),
  /** How far back a post is still pulled: 1 to 90 days after it was published. */
  metricsDays: z.number().int().min(1).max(90).optional(),
  /** Whether the learning loop runs; off keeps the interval and the metric. */
  learningEnabled: z.boolean().optional(),
  /** Minutes between two passes of the learning loop: 15 to 10080 (a week). */
  learningEveryMinutes: z.number().int().min(15).max(10_080).optional(),
  /** What a draft or an arm earns per message sent: clicked, opened or converted. */
  learningMetric: LearningMetricSchema.optional(),
});
export type ResultsSettingsBody = z.infer<typeof ResultsSettingsBodySchema>;

export const ResultsSettingsSchema = z.object({
  metricsEnabled: z.boolean(),
  metricsEveryMinutes: z.number().int(),
  metricsDays: z.number().int(),
  /** When the last pull ran (null: never). */
  lastPulledAt: z.string().nullable(),
  /** When the next pull is scheduled (null: off, or it is running now). */
  nextPullAt: z.string().nullable(),
  learningEnabled: z.boolean(),
  learningEveryMinutes: z.number().int(),
  learningMetric: LearningMetricSchema,
  /** When the next learning pass is scheduled (null: off, or it is running now). */
  nextLearningAt: z.string().nullable(),
});
export type ResultsSettings = z.infer<typeof ResultsSettingsSchema>;

const ws = '/api/workspaces/:ws';

export const resultsSettingsRoutes = {
  getResultsSettings: defineRoute({
    method: 'GET',
    path: `${ws}/results/settings`,
    access: 'viewer',
    tag: 'results',
    summary:
      "How the workspace's social metrics are pulled (on/off, every how many minutes, how many days back, last and next pull) and how it learns from its results (on/off, interval, metric, next pass)",
    params: WsParamsSchema,
    response: { 200: ResultsSettingsSchema },
  }),
  saveResultsSettings: defineRoute({
    method: 'PUT',
    path: `${ws}/results/settings`,
    access: 'admin',
    tag: 'results',
    summary:
      'Changes how social metrics are pulled and how the workspace learns from its results (fields left out keep their value); the next pull and learning pass are rescheduled at once',
    params: WsParamsSchema,
    body: ResultsSettingsBodySchema,
    response: { 200: ResultsSettingsSchema },
  }),
} as const;
