import { z } from 'zod';

/** One message in the sandbox outbox: what a real provider would have been asked to send. */
export const OutboxMessageSchema = z.object({
  messageId: z.string(),
  idempotencyKey: z.string(),
  from: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string().optional(),
  html: z.string().optional(),
  replyTo: z.string().optional(),
  tags: z.record(z.string(), z.string()),
  /** SHA-256 of the normalized request: a retry must match it. */
  fingerprint: z.string(),
  recordedAt: z.string(),
  sandbox: z.literal(true),
});
export type OutboxMessage = z.infer<typeof OutboxMessageSchema>;

export const OUTBOX = 'outbox';
export const DEFAULT_FROM = 'sandbox@neonhub.local';
