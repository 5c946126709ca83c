import { z } from 'zod';
import { RunSchema, StepIdSchema, StepSchema } from '../run.js';
import { UuidSchema } from './common.js';

export const StartRunBodySchema = z.strictObject({
  goal: z.string().trim().min(1).max(4000),
  params: z
    .strictObject({
      recipients: z.array(z.email()).max(1000).optional(),
      networks: z
        .array(z.enum(['x', 'twitter', 'linkedin', 'instagram', 'facebook']))
        .max(5)
        .optional(),
      audience: z.string().max(300).optional(),
    })
    .optional(),
  /** A plan to run as given (validated against the workspace's tools) instead of planning the goal. */
  plan: z.unknown().optional(),
});
export const RunWithStepsSchema = z.object({ run: RunSchema, steps: z.array(StepSchema) }).meta({ id: 'RunWithSteps' });
export type RunWithSteps = z.infer<typeof RunWithStepsSchema>;
export const RunListSchema = z.object({ runs: z.array(RunSchema) });
/** The runs holding a step that waits for a decision, each with all its steps (`GET /api/workspaces/:ws/runs/waiting`). */
export const WaitingRunsSchema = z.object({ runs: z.array(RunWithStepsSchema) });
export const WaitingRunsQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).optional() });
export const StepParamsSchema = z.strictObject({ id: UuidSchema, stepId: StepIdSchema });
export const ApproveBodySchema = z.strictObject({ note: z.string().max(1000).optional() }).nullish();
export const RejectBodySchema = z.strictObject({ reason: z.string().trim().min(1).max(1000) });
export const EventsQuerySchema = z.strictObject({ after: z.coerce.number().int().min(0).optional() });

const FunnelCountsSchema = z.object({
  sent: z.number().int(),
  delivered: z.number().int(),
  opened: z.number().int(),
  clicked: z.number().int(),
  converted: z.number().int(),
});
/** What a run's steps did, by kind: e-mails, text and chat messages sent, posts published, other messages. */
export const RUN_OUTPUT_KINDS = ['email', 'sms', 'chat', 'post', 'message'] as const;
export const RunOutputCountsSchema = z.object(
  Object.fromEntries(RUN_OUTPUT_KINDS.map((k) => [k, z.number().int()])) as Record<(typeof RUN_OUTPUT_KINDS)[number], z.ZodNumber>,
);
export type RunOutputCounts = z.infer<typeof RunOutputCountsSchema>;
/** A run's results summary (its `run.summary` event): the funnel of the messages its steps sent, and of the campaigns it named. */
export const RunResultsSummarySchema = z.object({
  kind: z.literal('results'),
  status: z.string(),
  /** The messages the run's steps sent (by the message ids their outputs name) and what came of them so far. */
  messages: FunnelCountsSchema,
  /**
   * What the run's steps sent or published, by kind (the channel its delivery was recorded on, else `postId` = a post,
   * `messageId` = a message). Absent from summaries written before it was counted.
   */
  byKind: RunOutputCountsSchema.optional(),
  /** The totals so far of each campaign its steps named. */
  campaigns: z.array(z.object({ campaign: z.string(), totals: FunnelCountsSchema })),
  /** The same in one paragraph. */
  text: z.string(),
});
export type RunResultsSummary = z.infer<typeof RunResultsSummarySchema>;
/** A run's results in words (the host's one wording; the console's run page renders it as is). */
export const RunResultsWordsSchema = z.object({
  /** "This run sent 1 e-mail and published 1 post." */
  headline: z.string(),
  /** What came of the run's own messages so far (null when it sent none). */
  messages: z.string().nullable(),
  /** What arrived after the run finished (null when nothing did, or without an end summary). */
  since: z.string().nullable(),
  /** Each campaign it named, its totals so far in words. */
  campaigns: z.array(z.object({ campaign: z.string(), text: z.string() })),
});
export type RunResultsWords = z.infer<typeof RunResultsWordsSchema>;
/** `GET /api/runs/:id/summary`: the summary the run ended with, and the same figures now (results keep arriving). */
export const RunSummarySchema = z.object({
  runId: z.uuid(),
  /** The `run.summary` event written when the run finished; null while it runs (or for a run finished before summaries). */
  atEnd: z.object({ at: z.string(), summary: RunResultsSummarySchema }).nullable(),
  /** The summary computed at the time of the request. */
  now: RunResultsSummarySchema,
  /** `now` in words, with what arrived since `atEnd`. */
  words: RunResultsWordsSchema,
});
