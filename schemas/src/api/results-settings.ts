import { z } from 'zod';
import { WsParamsSchema } from './common.js';
import { defineRoute } from './route.js';

/**
 * How a workspace's social metrics are pulled from the networks (docs/analytics.md#social-metrics): a system schedule
 * per workspace, every `metricsEveryMinutes`, reading the posts published in the last `metricsDays` days.
 */
export const ResultsSettingsBodySchema = z.strictObject({
  /** Whether the pull runs; off keeps the interval. */
  metricsEnabled: z.boolean().optional(),
  /** Minutes between two pulls: 15 (the networks' rate limits) to 10080 (a week). */
  metricsEveryMinutes: z.number().int().min(15).max(10_080).optional(),
  /** How far back a post is still pulled: 1 to 90 days after it was published. */
  metricsDays: z.number().int().min(1).max(90).optional(),
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
});
export type ResultsSettings = z.infer<typeof ResultsSettingsSchema>;

const ws = '/api/workspaces/:ws';

export const resultsSettingsRoutes = {
  getResultsSettings: defineRoute({
    method: 'GET',
    path: `${ws}/results/settings`,
    access: 'member',
    tag: 'results',
    summary: "How the workspace's social metrics are pulled: on/off, every how many minutes, how many days back, last and next pull",
    params: WsParamsSchema,
    response: { 200: ResultsSettingsSchema },
  }),
  saveResultsSettings: defineRoute({
    method: 'PUT',
    path: `${ws}/results/settings`,
    access: 'admin',
    tag: 'results',
    summary: 'Changes how social metrics are pulled (fields left out keep their value); the next pull is rescheduled at once',
    params: WsParamsSchema,
    body: ResultsSettingsBodySchema,
    response: { 200: ResultsSettingsSchema },
  }),
} as const;
