import { z } from 'zod';
import { SideEffectSchema } from '../tool.js';

export const ToolViewSchema = z.object({
  name: z.string(),
  description: z.string(),
  sideEffect: SideEffectSchema,
  inputSchema: z.record(z.string(), z.unknown()),
});
export const ToolListSchema = z.object({ tools: z.array(ToolViewSchema) });

export const CallBodySchema = z.strictObject({
  input: z.unknown().default({}),
  idempotencyKey: z.string().min(1).max(200).optional(),
});
export type CallBody = z.input<typeof CallBodySchema>;

/** The result of a tool call: its output, or that it waits for a person's approval. */
export const CallResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok'), callId: z.uuid(), output: z.unknown(), durationMs: z.number() }),
  z.object({
    status: z.literal('pending_approval'),
    callId: z.uuid(),
    approvalId: z.string().optional(),
    /** When the approval expires, when the provider said (ISO 8601). */
    expiresAt: z.string().optional(),
    reason: z.string(),
    plugin: z.string(),
  }),
  /** An external send written to the outbox whose first attempt did not settle it in time: it is retried (docs/outbox.md). */
  z.object({
    status: z.literal('queued'),
    callId: z.uuid(),
    messageId: z.uuid(),
    outboxStatus: z.string(),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
    reason: z.string(),
  }),
]);
export type CallResult = z.infer<typeof CallResultSchema>;

/** One row of the workspace's call record. */
export const CallRecordSchema = z.object({
  id: z.string(),
  workspaceId: z.uuid(),
  callId: z.string(),
  pluginId: z.string(),
  tool: z.string(),
  actor: z.object({ type: z.enum(['user', 'token', 'agent', 'system']), id: z.string() }),
  status: z.string(),
  errorCode: z.string().nullable(),
  durationMs: z.number().nullable(),
  idempotencyKey: z.string().nullable(),
  createdAt: z.string(),
});
export type CallRecordView = z.infer<typeof CallRecordSchema>;
export const CallsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  plugin: z.string().max(64).optional(),
});
export const CallListSchema = z.object({ calls: z.array(CallRecordSchema) });
