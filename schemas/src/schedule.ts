import { z } from 'zod';
import { ActorSchema } from './workspace.js';

/**
 * Schedules (docs/schedules.md): a tool call the host makes at a time, durably (a database row; a BullMQ delayed
 * job with REDIS_URL, a database-polled timer on the embedded default). The e-mail agent's schedules and the social
 * agent's calendar posts are schedules; any plugin can register one through `ctx.scheduler`.
 */

/**
 * scheduled → running → sent (e-mail) | published (social) | done (any other channel) | queued | partial | pending_approval |
 * failed; cancelled at any time before it runs. `queued` (handed to the outbox, which keeps delivering: its status is
 * there), `partial` and `pending_approval` are what the called tool reported (its output's `status`); `failed` carries the error.
 */
export const ScheduleStatusSchema = z.enum([
  'scheduled',
  'running',
  'queued',
  'sent',
  'published',
  'done',
  'partial',
  'pending_approval',
  'failed',
  'cancelled',
]);
export type ScheduleStatus = z.infer<typeof ScheduleStatusSchema>;

/** The status a schedule of this channel reaches when its call succeeds. */
export const doneStatusFor = (channel: string): 'sent' | 'published' | 'done' =>
  channel === 'social' ? 'published' : channel === 'email' || channel === 'sms' || channel === 'chat' ? 'sent' : 'done';

/** Whether `zone` is an IANA time zone this runtime knows (Europe/Paris, America/New_York, UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const TimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(isTimeZone, { message: 'not an IANA time zone (e.g. Europe/Paris, America/New_York, UTC)' });

/**
 * A time to run at: ISO 8601 with an offset (`2027-03-29T09:00:00+02:00`, `...Z`), or a local date-time without one
 * (`2027-03-29T09:00`) read in the workspace's time zone (or the `timeZone` given beside it).
 */
export const ScheduleTimeSchema = z.iso.datetime({ offset: true, local: true });

export const ScheduleCalendarSchema = z.strictObject({
  /** email, social, sms, chat, crm, or any other word a plugin picks. */
  channel: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  /** What the calendar shows (a subject, the start of a post). */
  title: z.string().min(1).max(200),
  network: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/)
    .optional(),
});
export type ScheduleCalendar = z.infer<typeof ScheduleCalendarSchema>;

export const ScheduleErrorSchema = z.object({ code: z.string(), message: z.string() });

/** A schedule as plugins (ctx.scheduler), the API and the CLI see it. Times are UTC ISO strings. */
export const ScheduledCallSchema = z.object({
  id: z.uuid(),
  /** The owning plugin's own id for it (the e-mail schedule id, the calendar entry id): unique per plugin and workspace. */
  key: z.string(),
  plugin: z.string(),
  /** The qualified tool called when it is due. */
  tool: z.string(),
  channel: z.string(),
  network: z.string().optional(),
  title: z.string(),
  runAt: z.string(),
  /** The zone the time was given in (the workspace's unless the caller named one): the calendar shows it there. */
  timeZone: z.string(),
  status: ScheduleStatusSchema,
  /** Why it failed (status failed), or what the tool reported (partial, pending_approval). */
  error: ScheduleErrorSchema.optional(),
  /** Times it was started (a host that died mid-call leaves it to be started again, with the same idempotency key). */
  attempts: z.number().int(),
  /** The idempotency key of its call: `schedule:<id>`. */
  idempotencyKey: z.string(),
  createdBy: ActorSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  firedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});
export type ScheduledCall = z.infer<typeof ScheduledCallSchema>;

/** What a plugin asks of `ctx.scheduler.schedule`. */
export const ScheduleRequestSchema = z.strictObject({
  key: z.string().min(1).max(200),
  /** `plugin-id:tool_name`: the plugin's own tool, or one its manifest may call. */
  tool: z.string().regex(/^[a-z][a-z0-9-]*:[a-zA-Z][a-zA-Z0-9_-]*$/),
  input: z.unknown(),
  runAt: ScheduleTimeSchema,
  timeZone: TimeZoneSchema.optional(),
  calendar: ScheduleCalendarSchema,
});
export type ScheduleRequest = z.input<typeof ScheduleRequestSchema>;
