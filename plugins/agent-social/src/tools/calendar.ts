import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { withSchedule } from '../entries.js';
import { socialErrors } from '../errors.js';
import { CALENDAR, type CalendarEntry, CalendarEntrySchema, EntryStatusSchema } from '../model.js';
import { NetworkInputSchema, normalizeNetwork } from '../networks.js';

const input = z.object({
  from: z.iso.datetime({ offset: true }).describe('Start of the range (inclusive), ISO 8601.'),
  to: z.iso.datetime({ offset: true }).describe('End of the range (inclusive), ISO 8601.'),
  network: NetworkInputSchema.optional().describe('Only entries for this network.'),
  status: EntryStatusSchema.optional().describe('Only entries in this status (scheduled, published, pending_approval, failed, cancelled).'),
});

const output = z.object({ entries: z.array(CalendarEntrySchema) });

export const calendar = defineTool({
  name: 'calendar',
  description:
    'Lists the content calendar between two times, in time order, optionally only one network or one status (times and statuses as the host scheduler holds them). Read-only.',
  sideEffect: 'read',
  input,
  output,
  async run(a, ctx) {
    const from = new Date(a.from).toISOString();
    const to = new Date(a.to).toISOString();
    if (to < from) throw socialErrors.create('NH_SOCIAL_TIME_INVALID', `the range ends (${a.to}) before it starts (${a.from})`);
    const network = a.network ? normalizeNetwork(a.network) : undefined;
    const keep = (e: CalendarEntry) =>
      e.scheduledAt >= from && e.scheduledAt <= to && (!network || e.network === network) && (!a.status || e.status === a.status);
    const entries: CalendarEntry[] = [];
    // Keys are `<ISO time>#<id>`. With the host's scheduler an entry may have been moved from the console's calendar
    // (its stored key is then stale): read them all and place each at the scheduler's time.
    let after: string = ctx.scheduler ? '' : from;
    for (;;) {
      const page = await ctx.store.list<CalendarEntry>(CALENDAR, { ...(after ? { after } : {}), limit: 500 });
      for (const r of page) {
        if (!ctx.scheduler && r.value.scheduledAt > to) return { entries };
        const e = await withSchedule(ctx, r.value);
        if (keep(e)) entries.push(e);
      }
      if (page.length < 500) break;
      after = page.at(-1)!.key;
    }
    entries.sort((x, y) => x.scheduledAt.localeCompare(y.scheduledAt) || x.entryId.localeCompare(y.entryId));
    return { entries };
  },
});
