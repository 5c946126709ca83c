import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { composePost } from '../compose-post.js';
import { socialErrors } from '../errors.js';
import { CALENDAR, type CalendarEntry, CalendarEntrySchema, calendarKey, ENTRY_INDEX } from '../model.js';

const input = z
  .object({
    entryId: z.string().min(1).describe('The calendar entry to change (from schedule or calendar).'),
    scheduledAt: z.iso.datetime({ offset: true }).optional().describe('Move it to this time, ISO 8601 with an offset; not in the past.'),
    text: z.string().trim().min(1).max(63_206).optional().describe('Replace its text (checked against the network limits).'),
  })
  .refine((v) => v.scheduledAt !== undefined || v.text !== undefined, {
    message: 'give scheduledAt, text or both',
    path: ['scheduledAt'],
  });

export const updateEntry = defineTool({
  name: 'update_entry',
  description:
    'Moves a calendar entry to another time and/or replaces its text, while it is still scheduled (or failed); a published post or one waiting for approval cannot change. The text is checked against the network limits as in schedule.',
  sideEffect: 'write',
  input,
  output: CalendarEntrySchema,
  async run(a, ctx) {
    const index = await ctx.store.get<string>(ENTRY_INDEX, a.entryId);
    const stored = index ? await ctx.store.get<CalendarEntry>(CALENDAR, index.value) : undefined;
    if (!index || !stored)
      throw socialErrors.create('NH_SOCIAL_ENTRY_NOT_FOUND', `no calendar entry ${a.entryId} in this workspace`, {
        details: { entryId: a.entryId },
      });
    const e = stored.value;
    if (e.status === 'published' || e.status === 'pending_approval')
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
    if (a.scheduledAt !== undefined) {
      const at = new Date(a.scheduledAt);
      if (at.getTime() < Date.now() - 60_000)
        throw socialErrors.create('NH_SOCIAL_TIME_INVALID', `scheduledAt ${a.scheduledAt} is in the past`, {
          details: { scheduledAt: a.scheduledAt },
        });
      next.scheduledAt = at.toISOString();
    }
    // a failed entry that is moved or rewritten is scheduled again
    if (next.status === 'failed') {
      next.status = 'scheduled';
      delete next.error;
    }
    const key = calendarKey(next);
    await ctx.store.put(CALENDAR, key, next);
    if (key !== index.value) {
      await ctx.store.put(ENTRY_INDEX, next.entryId, key);
      await ctx.store.delete(CALENDAR, index.value);
    }
    return next;
  },
});
