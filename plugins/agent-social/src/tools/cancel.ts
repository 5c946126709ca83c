import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { loadEntry, saveEntry, withSchedule } from '../entries.js';
import { socialErrors } from '../errors.js';
import { CalendarEntrySchema } from '../model.js';

export const cancel = defineTool({
  name: 'cancel',
  description:
    'Takes a calendar entry that has not been published off the schedule: it is never published (update_entry with a new time brings it back).',
  sideEffect: 'write',
  input: z.object({ entryId: z.string().min(1).describe('The calendar entry to cancel (from schedule).') }),
  output: CalendarEntrySchema,
  async run(a, ctx) {
    const { key, entry: stored } = await loadEntry(ctx, a.entryId);
    const entry = await withSchedule(ctx, stored);
    if (entry.status === 'published' || entry.status === 'pending_approval' || entry.status === 'queued')
      throw socialErrors.create(
        'NH_SOCIAL_ENTRY_LOCKED',
        `entry ${entry.entryId} is ${entry.status.replace('_', ' ')}: it can no longer be cancelled`,
        {
          details: { entryId: entry.entryId, status: entry.status },
        },
      );
    if (ctx.scheduler && entry.status !== 'cancelled') await ctx.scheduler.cancel(entry.entryId);
    const next = { ...entry, status: 'cancelled' as const };
    await saveEntry(ctx, next, key);
    return next;
  },
});
