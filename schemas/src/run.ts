import { z } from 'zod';
import { QualifiedToolNameSchema } from './common.js';

export const RunStatusSchema = z.enum(['planning', 'queued', 'running', 'waiting_approval', 'succeeded', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const StepStatusSchema = z.enum(['pending', 'queued', 'running', 'waiting_approval', 'succeeded', 'failed', 'cancelled', 'skipped']);
export type StepStatus = z.infer<typeof StepStatusSchema>;

export const RunSchema = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  goal: z.string().min(1).max(4000),
  status: RunStatusSchema,
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
});
export type Step = z.infer<typeof StepSchema>;

export const RunEventSchema = z.object({
  id: z.number().int().optional(),
  runId: z.uuid(),
  stepId: z.string().optional(),
  type: z.enum(['run.created', 'run.planned', 'run.status', 'step.status', 'step.output', 'approval.requested', 'approval.decided', 'log']),
  data: z.record(z.string(), z.unknown()),
  at: z.iso.datetime({ offset: true }),
});
export type RunEvent = z.infer<typeof RunEventSchema>;
