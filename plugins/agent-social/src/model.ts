import { z } from 'zod';
import { NetworkSchema } from './networks.js';

/**
 * cancelled: taken off the calendar (never published); failed: the scheduler's call failed (see error); queued: the host's
 * outbox holds the post and keeps delivering it (its first attempt did not settle in time).
 */
export const EntryStatusSchema = z.enum(['scheduled', 'published', 'queued', 'pending_approval', 'failed', 'cancelled']);

export const CalendarEntrySchema = z.object({
  entryId: z.string(),
  network: NetworkSchema,
  text: z.string(),
  mediaUrls: z.array(z.string()),
  scheduledAt: z.string(),
  campaignId: z.string().optional(),
  /** The draft the text came from and the prompt variant that wrote it: the post carries them into the results. */
  contentId: z.string().optional(),
  promptVariant: z.string().optional(),
  status: EntryStatusSchema,
  postId: z.string().optional(),
  url: z.string().optional(),
  approvalId: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  createdAt: z.string(),
  publishedAt: z.string().optional(),
  /** The idempotency key of the call that published it: the same call retried gets the same answer. */
  publishKey: z.string().optional(),
  /** The time zone a local scheduledAt was given in (the workspace's unless one was named). */
  timeZone: z.string().optional(),
});
export type CalendarEntry = z.infer<typeof CalendarEntrySchema>;

/** Entries keyed `<scheduledAt ISO>#<entryId>`, so key order is time order. */
export const CALENDAR = 'calendar';
/** entryId -> calendar key. */
export const ENTRY_INDEX = 'entries';

export const calendarKey = (e: Pick<CalendarEntry, 'scheduledAt' | 'entryId'>) => `${e.scheduledAt}#${e.entryId}`;

/** The tool the host's scheduler calls when an entry is due (with `{ entryId }`). */
export const PUBLISH_TOOL = 'agent-social:publish';

/** The connector tool `publish` calls (a declared dependency of this plugin). */
export const CONNECTOR_POST = 'connector-social-sandbox:post';
/** Its read tool, to find a post an approver published. */
export const CONNECTOR_POSTS = 'connector-social-sandbox:posts';
