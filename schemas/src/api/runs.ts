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
