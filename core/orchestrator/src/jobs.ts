import { createQueue, type Queue } from '@neonhub/queue';
import { ActorSchema } from '@neonhub/schemas';
import { z } from 'zod';
import { resolveTemplates } from './template.js';

/**
 * What a step without side effects (its tool declares `none` or `read`) that needs no approval carries in its
 * job: the worker runs it straight away and stores the result only while the step is still queued under this
 * dispatch (see steps.ts). Jobs without it claim their step first.
 */
export const StepExecSchema = z.object({
  tool: z.string().min(1),
  /** The input with the outputs it references (of any ancestor) already filled in. */
  input: z.record(z.string(), z.unknown()),
  workspaceId: z.uuid(),
  actor: ActorSchema,
});
export type StepExec = z.infer<typeof StepExecSchema>;

/** A step job: which dispatch of which step to run. Parsed at enqueue and again in the worker. */
export const StepJobSchema = z.object({
  runId: z.uuid(),
  stepId: z.string().min(1).max(64),
  dispatch: z.number().int().min(1),
  exec: StepExecSchema.optional(),
});
export type StepJob = z.infer<typeof StepJobSchema>;
export type StepQueue = Queue<StepJob>;

export const STEP_QUEUE_NAME = 'neonhub-steps';

/** Inputs larger than this (as JSON) stay in the database: such a step claims itself and reads its input there. */
const MAX_CARRIED_INPUT = 64 * 1024;

/** What the database returns for a step that may be carried: its input as planned and the outputs it references. */
export interface CarriableStep {
  tool: string;
  input: unknown;
  deps: Record<string, unknown>;
  workspaceId: string;
  actor: unknown;
}

/**
 * The job for a dispatch, carrying the step's resolved input when it can. A template that does not resolve,
 * an input too large or an actor that does not parse leaves the job plain: the claim path then fails or runs
 * the step as for any other.
 */
export function stepJob(job: Omit<StepJob, 'exec'>, step: CarriableStep | null | undefined): StepJob {
  if (!step) return job;
  let input: unknown;
  try {
    input = resolveTemplates(step.input, step.deps);
  } catch {
    return job;
  }
  const exec = StepExecSchema.safeParse({ tool: step.tool, input, workspaceId: step.workspaceId, actor: step.actor });
  if (!exec.success || JSON.stringify(exec.data.input).length > MAX_CARRIED_INPUT) return job;
  return { ...job, exec: exec.data };
}

/** The step queue: BullMQ when `redisUrl` is set, the in-process queue otherwise. */
export function createStepQueue(
  opts: { redisUrl?: string; prefix?: string; lockDurationMs?: number; stalledIntervalMs?: number } = {},
): StepQueue {
  return createQueue({ name: STEP_QUEUE_NAME, schema: StepJobSchema, ...opts });
}

export const jobIdOf = (j: Pick<StepJob, 'runId' | 'stepId' | 'dispatch'>) => `${j.runId}_${j.stepId}_${j.dispatch}`;
