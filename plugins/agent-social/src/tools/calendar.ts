import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { socialErrors } from '../errors.js';
import { CALENDAR, type CalendarEntry, CalendarEntrySchema, EntryStatusSchema } from '../model.js';
import { NetworkInputSchema, normalizeNetwork } from '../networks.js';

const input = z.object({
  from: z.iso.datetime({ offset: true }).describe('Start of the range (inclusive), ISO 8601.'),
  to: z.iso.datetime({ offset: true }).describe('End of the range (inclusive), ISO 8601.'),
  network: NetworkInputSchema.optional().describe('Only entries for this network.'),
  status: EntryStatusSchema.optional().describe('Only entries in this status (scheduled, published, pending_approval, failed).'),
});

const output = z.object({ entries: z.array(CalendarEntrySchema) });

export const calendar = defineTool({
  name: 'calendar',
  description: 'Lists the content calendar between two times, in time order, optionally only one network or one status. Read-only.',
  sideEffect: 'read',
  input,
  output,
  async run(a, ctx) {
    const from = new Date(a.from).toISOString();
    const to = new Date(a.to).toISOString();
    if (to < from) throw socialErrors.create('NH_SOCIAL_TIME_INVALID', `the range ends (${a.to}) before it starts (${a.from})`);
    const network = a.network ? normalizeNetwork(a.network) : undefined;
    const entries: CalendarEntry[] = [];
    // Keys are `<ISO time>#<id>`: everything after `from` in key order, until past `to`.
    let after: string = from;
    for (;;) {
      const page = await ctx.store.list<CalendarEntry>(CALENDAR, { after, limit: 500 });
      for (const r of page) {
        if (r.value.scheduledAt > to) return { entries };
        if ((!network || r.value.network === network) && (!a.status || r.value.status === a.status)) entries.push(r.value);
      }
      if (page.length < 500) return { entries };
      after = page.at(-1)!.key;
    }
  },
});
