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
  /** The draft the body came from (agent-content's draft id) and the prompt variant that wrote it: every send carries them. */
  contentId: z.string().optional(),
  promptVariant: z.string().optional(),
});
export type Template = z.infer<typeof TemplateSchema>;

/**
 * cancelled: taken off (never sent); failed: the host scheduler's send call failed (see error); queued: every recipient
 * was sent or handed to the host's outbox, which keeps delivering.
 */
export const ScheduleStatusSchema = z.enum(['scheduled', 'sending', 'sent', 'queued', 'partial', 'cancelled', 'failed']);

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
  /** The time zone a local sendAt was given in (the workspace's unless one was named). */
  timeZone: z.string().optional(),
  /** Why the host scheduler's send failed (status failed). */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

export const TEMPLATES = 'templates';
export const SCHEDULES = 'schedules';

/** The tool the host's scheduler calls when a schedule is due (with `{ scheduleId }`). */
export const SEND_TOOL = 'agent-email:send';

/** The connector tool `send` calls (a declared dependency of this plugin). */
export const CONNECTOR_SEND = 'connector-email-sandbox:send';
/** Its read tool, to find a message an approver sent. */
export const CONNECTOR_OUTBOX = 'connector-email-sandbox:outbox';
