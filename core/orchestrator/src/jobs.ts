import { createQueue, type Queue } from '@neonhub/queue';
import { z } from 'zod';

/** A step job: which dispatch of which step to run. Parsed at enqueue and again in the worker. */
export const StepJobSchema = z.object({
  runId: z.uuid(),
  stepId: z.string().min(1).max(64),
  dispatch: z.number().int().min(1),
});
export type StepJob = z.infer<typeof StepJobSchema>;
export type StepQueue = Queue<StepJob>;

export const STEP_QUEUE_NAME = 'neonhub-steps';

/** The step queue: BullMQ when `redisUrl` is set, the in-process queue otherwise. */
export function createStepQueue(
  opts: { redisUrl?: string; prefix?: string; lockDurationMs?: number; stalledIntervalMs?: number } = {},
): StepQueue {
  return createQueue({ name: STEP_QUEUE_NAME, schema: StepJobSchema, ...opts });
}

export const jobIdOf = (j: StepJob) => `${j.runId}_${j.stepId}_${j.dispatch}`;
