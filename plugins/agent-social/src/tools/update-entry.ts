import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { composePost } from '../compose-post.js';
import { hasOffset, loadEntry, saveEntry, withSchedule } from '../entries.js';
import { socialErrors } from '../errors.js';
import { type CalendarEntry, CalendarEntrySchema, PUBLISH_TOOL } from '../model.js';

const input = z
  .object({
    entryId: z.string().min(1).describe('The calendar entry to change (from schedule or calendar).'),
    scheduledAt: z.iso
      .datetime({ offset: true, local: true })
      .optional()
      .describe(
        "Move it to this time: ISO 8601 with an offset, or a local time such as 2027-03-29T09:00 read in the workspace's time zone (or timeZone); not in the past.",
      ),
    timeZone: z.string().min(1).max(64).optional().describe('IANA time zone of a local scheduledAt, e.g. Europe/Paris.'),
    text: z.string().trim().min(1).max(63_206).optional().describe('Replace its text (checked against the network limits).'),
  })
  .refine((v) => v.scheduledAt !== undefined || v.text !== undefined, {
    message: 'give scheduledAt, text or both',
    path: ['scheduledAt'],
  });

export const updateEntry = defineTool({
  name: 'update_entry',
  description:
    'Moves a calendar entry to another time and/or replaces its text, while it is still scheduled (or failed, or cancelled: moving it schedules it again); a published post or one waiting for approval cannot change. The text is checked against the network limits as in schedule; the host publishes it at the new time only.',
  sideEffect: 'write',
  input,
  output: CalendarEntrySchema,
  async run(a, ctx) {
    const { key, entry: stored } = await loadEntry(ctx, a.entryId);
    const e = await withSchedule(ctx, stored);
    if (e.status === 'published' || e.status === 'pending_approval' || e.status === 'queued')
      throw socialErrors.create('NH_SOCIAL_ENTRY_LOCKED', `entry ${e.entryId} is ${e.status.replace('_', ' ')}: it can no longer change`, {
        details: { entryId: e.entryId, status: e.status },
      });
    const next: CalendarEntry = { ...e };
    if (a.text !== undefined) {
      const checked = composePost({ network: e.network, text: a.text, hashtags: [] });
      if (checked.trimmed || !checked.valid)
        throw socialErrors.create('NH_SOCIAL_POST_INVALID', `the post does not fit ${e.network} (${checked.length}/${checked.maxLength})`, {
          details: { network: e.network, length: checked.length, maxLength: checked.maxLength },
        });
      next.text = a.text;
    }
    const moving = a.scheduledAt !== undefined;
    if (ctx.scheduler && (moving || e.status !== 'cancelled')) {
      // Registering the same key again replaces the schedule (new time, new calendar title): it fires at the new time only.
      const s = await ctx.scheduler.schedule({
        key: e.entryId,
        tool: PUBLISH_TOOL,
        input: { entryId: e.entryId },
        runAt: a.scheduledAt ?? e.scheduledAt,
        ...(moving ? (a.timeZone ? { timeZone: a.timeZone } : {}) : { timeZone: e.timeZone ?? 'UTC' }),
        calendar: { channel: 'social', network: e.network, title: next.text.slice(0, 120) },
      });
      next.scheduledAt = s.runAt;
      next.timeZone = s.timeZone;
      next.status = 'scheduled';
    } else if (moving) {
      const at = new Date(a.scheduledAt!);
      if (!hasOffset(a.scheduledAt!) || at.getTime() < Date.now() - 60_000)
        throw socialErrors.create('NH_SOCIAL_TIME_INVALID', `scheduledAt ${a.scheduledAt} is in the past or has no UTC offset`, {
          details: { scheduledAt: a.scheduledAt },
        });
      next.scheduledAt = at.toISOString();
    }
    // a failed (or, moved, a cancelled) entry is scheduled again
    if (next.status === 'failed' || (moving && next.status === 'cancelled')) next.status = 'scheduled';
    if (next.status === 'scheduled') delete next.error;
    await saveEntry(ctx, next, key);
    return next;
  },
});
