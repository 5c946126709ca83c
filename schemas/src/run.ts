import { z } from 'zod';
import { QualifiedToolNameSchema } from './common.js';
import { ActorSchema } from './workspace.js';

export const RunStatusSchema = z.enum(['planning', 'queued', 'running', 'waiting_approval', 'succeeded', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const StepStatusSchema = z.enum(['pending', 'queued', 'running', 'waiting_approval', 'succeeded', 'failed', 'cancelled', 'skipped']);
export type StepStatus = z.infer<typeof StepStatusSchema>;

export const RunSchema = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  goal: z.string().min(1).max(4000),
  status: RunStatusSchema,
  planner: z.string().optional(),
  notes: z.array(z.string()).default([]),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** Who started the run (its steps act for them). */
  createdBy: ActorSchema.optional(),
  finishedAt: z.iso.datetime({ offset: true }).optional(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type Run = z.infer<typeof RunSchema>;

export const StepSchema = z.object({
  id: z.string().min(1),
  runId: z.uuid(),
  tool: QualifiedToolNameSchema,
  input: z.record(z.string(), z.unknown()),
  dependsOn: z.array(z.string()).default([]),
  status: StepStatusSchema,
  attempts: z.number().int().min(0).default(0),
  output: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  title: z.string().optional(),
  needsApproval: z.boolean().default(false),
  maxAttempts: z.number().int().min(1).optional(),
  approvalId: z.string().optional(),
  /** When the step's approval expires, when its approvals provider said (past it, the step fails NH_RUN_APPROVAL_EXPIRED). */
  approvalExpiresAt: z.iso.datetime({ offset: true }).optional(),
  /** Who approved or rejected the step, once someone did. */
  decidedBy: ActorSchema.optional(),
  startedAt: z.iso.datetime({ offset: true }).optional(),
  finishedAt: z.iso.datetime({ offset: true }).optional(),
});
export type Step = z.infer<typeof StepSchema>;

/** A step id: lowercase words joined by `_` or `-` (referenced by dependsOn and `{{steps.<id>.output.<path>}}`). */
export const StepIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,63}$/, 'step ids are lowercase letters, digits, _ or -, starting with a letter');

/** One step of a plan: a tool call whose input may reference earlier outputs with `{{steps.<id>.output.<path>}}`. */
export const PlanStepSchema = z.strictObject({
  id: StepIdSchema,
  tool: QualifiedToolNameSchema,
  title: z.string().max(200).optional(),
  input: z.record(z.string(), z.unknown()).default({}),
  dependsOn: z.array(StepIdSchema).default([]),
  /**
   * Hold the step for a person's approval before it runs, whatever the workspace policy says (governance also holds
   * external calls on its own).
   */
  needsApproval: z.boolean().optional(),
});
export type PlanStep = z.infer<typeof PlanStepSchema>;

/** A run's plan: a DAG of tool steps, validated against the workspace's enabled tools before anything runs. */
export const PlanSchema = z.strictObject({
  steps: z.array(PlanStepSchema).min(1).max(1000),
  notes: z.array(z.string()).default([]),
});
export type Plan = z.infer<typeof PlanSchema>;

export const RunEventSchema = z.object({
  id: z.number().int().optional(),
  runId: z.uuid(),
  stepId: z.string().optional(),
  /** A step's `succeeded` status carries its output. (`step.output` is only in logs written before 0.2.) */
  /** `run.summary`: what the host reports when a run finishes (the results of its sends so far). */
  type: z.enum([
    'run.created',
    'run.planned',
    'run.status',
    'run.summary',
    'step.status',
    'step.output',
    'approval.requested',
    'approval.decided',
    'log',
  ]),
  data: z.record(z.string(), z.unknown()),
  at: z.iso.datetime({ offset: true }),
});
export type RunEvent = z.infer<typeof RunEventSchema>;
