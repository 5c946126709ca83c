import { z } from 'zod';

export const RecipientSchema = z.object({
  email: z.email().describe('The recipient address.'),
  fields: z
    .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string())
    .default({})
    .describe('Merge-field values for this recipient, e.g. { first_name: "Ada" }; `email` is always available.'),
  consent: z.boolean().optional().describe('Whether the recipient opted in, if known (governance checks consent on send).'),
});
export type Recipient = z.infer<typeof RecipientSchema>;

export const TemplateSchema = z.object({
  templateId: z.string(),
  name: z.string(),
  subject: z.string(),
  body: z.string(),
  format: z.enum(['text', 'html']),
  defaults: z.record(z.string(), z.string()),
  fields: z.array(z.string()),
  createdAt: z.string(),
});
export type Template = z.infer<typeof TemplateSchema>;

export const ScheduleStatusSchema = z.enum(['scheduled', 'sending', 'sent', 'partial']);

export const ScheduleSchema = z.object({
  scheduleId: z.string(),
  templateId: z.string(),
  recipients: z.array(RecipientSchema),
  sendAt: z.string(),
  status: ScheduleStatusSchema,
  /** Idempotency key of the send call that claimed the schedule. */
  sendKey: z.string().optional(),
  createdAt: z.string(),
  sentAt: z.string().optional(),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

export const TEMPLATES = 'templates';
export const SCHEDULES = 'schedules';

/** The connector tool `send` calls (a declared dependency of this plugin). */
export const CONNECTOR_SEND = 'connector-email-sandbox:send';
/** Its read tool, to find a message an approver sent. */
export const CONNECTOR_OUTBOX = 'connector-email-sandbox:outbox';
