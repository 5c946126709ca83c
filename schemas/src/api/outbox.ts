import { z } from 'zod';
import { WorkspaceRefSchema } from './common.js';

/**
 * The outbox (docs/outbox.md): every external send of a connector, its delivery status, attempts and last error.
 * `queued` (waiting for its first attempt), `sending` (an attempt is running), `retrying` (an attempt failed and
 * another is due at `nextAttemptAt`), `delivered`, `dead` (gave up: an admin retries or cancels it), `cancelled`.
 */
export const OutboxStatusSchema = z.enum(['queued', 'sending', 'retrying', 'delivered', 'dead', 'cancelled']);
export type OutboxStatus = z.infer<typeof OutboxStatusSchema>;

export const OutboxRecipientStatusSchema = z.enum(['queued', 'sent', 'delivered', 'bounced', 'complained', 'failed', 'cancelled']);
export type OutboxRecipientStatus = z.infer<typeof OutboxRecipientStatusSchema>;

export const OutboxErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  category: z.string().optional(),
  status: z.number().optional(),
  details: z.unknown().optional(),
  at: z.string().optional(),
});
export type OutboxError = z.infer<typeof OutboxErrorSchema>;

export const OutboxRecipientSchema = z.object({
  recipient: z.string(),
  status: OutboxRecipientStatusSchema,
  providerMessageId: z.string().nullable(),
  detail: z.string().nullable(),
  updatedAt: z.string(),
});

/** One message as the API and the console show it (the input only in the detailed view). */
export const OutboxMessageSchema = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  plugin: z.string(),
  tool: z.string(),
  idempotencyKey: z.string(),
  channel: z.string().nullable(),
  /** The network a post went to (`linkedin`, `x`, …: the connector contract's `network` input), else null. */
  network: z.string().nullable(),
  connection: z.string().nullable(),
  status: OutboxStatusSchema,
  attempts: z.number().int(),
  failures: z.number().int(),
  maxAttempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: OutboxErrorSchema.nullable(),
  recipients: z.array(z.string()),
  callId: z.string(),
  approvalId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deliveredAt: z.string().nullable(),
});
export type OutboxMessageView = z.infer<typeof OutboxMessageSchema>;

export const OutboxMessageDetailSchema = OutboxMessageSchema.extend({
  input: z.unknown(),
  result: z.unknown().nullable(),
  actor: z.unknown(),
  recipientStatus: z.array(OutboxRecipientSchema),
});
export type OutboxMessageDetail = z.infer<typeof OutboxMessageDetailSchema>;

export const OutboxListQuerySchema = z.strictObject({
  status: OutboxStatusSchema.optional(),
  plugin: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  /** The `next` cursor of the previous page (messages older than it). */
  before: z.string().max(100).optional(),
});
export const OutboxListSchema = z.object({
  messages: z.array(OutboxMessageSchema),
  /** How many messages the workspace has in each status. */
  counts: z.record(z.string(), z.number().int()),
  next: z.string().nullable(),
});
export const OutboxParamsSchema = z.strictObject({ ws: WorkspaceRefSchema, id: z.uuid() });
export const OutboxDetailResultSchema = z.object({ message: OutboxMessageDetailSchema });
export const OutboxChangedSchema = z.object({ message: OutboxMessageSchema });
