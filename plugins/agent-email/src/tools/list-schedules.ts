import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { SCHEDULES, type Schedule, ScheduleStatusSchema } from '../model.js';
import { withScheduler } from '../store.js';

const input = z.object({
  status: ScheduleStatusSchema.optional().describe(
    'Only schedules in this status (scheduled, sending, sent, queued, partial, cancelled, failed).',
  ),
  dueBefore: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Only schedules whose send time is at or before this time (e.g. now, for a scheduler).'),
});

const output = z.object({
  schedules: z.array(
    z.object({
      scheduleId: z.string(),
      templateId: z.string(),
      sendAt: z.string(),
      status: ScheduleStatusSchema,
      recipients: z.number(),
      sentAt: z.string().optional(),
      timeZone: z.string().optional(),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
});

export const listSchedules = defineTool({
  name: 'list_schedules',
  description:
    'Lists the e-mail schedules of this workspace ordered by send time (times and statuses as the host scheduler holds them), optionally only those in a status or due before a time.',
  sideEffect: 'read',
  input,
  output,
  async run(a, ctx) {
    const due = a.dueBefore ? new Date(a.dueBefore).getTime() : Number.POSITIVE_INFINITY;
    const rows: Schedule[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await ctx.store.list<Schedule>(SCHEDULES, { limit: 500, ...(after ? { after } : {}) });
      for (const r of page) rows.push(await withScheduler(ctx, r.value));
      if (page.length < 500) break;
      after = page.at(-1)!.key;
    }
    return {
      schedules: rows
        .filter((s) => (!a.status || s.status === a.status) && new Date(s.sendAt).getTime() <= due)
        .sort((x, y) => x.sendAt.localeCompare(y.sendAt) || x.scheduleId.localeCompare(y.scheduleId))
        .map((s) => ({
          scheduleId: s.scheduleId,
          templateId: s.templateId,
          sendAt: s.sendAt,
          status: s.status,
          recipients: s.recipients.length,
          ...(s.sentAt ? { sentAt: s.sentAt } : {}),
          ...(s.timeZone ? { timeZone: s.timeZone } : {}),
          ...(s.error ? { error: s.error } : {}),
        })),
    };
  },
});
