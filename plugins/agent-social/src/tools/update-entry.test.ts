import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { calendar } from './calendar.js';
import { schedule } from './schedule.js';
import { updateEntry } from './update-entry.js';

describe('update_entry', () => {
  it('moves an entry to another day (the calendar lists it there only) and replaces its text', async () => {
    const h = createHarness(plugin);
    const e = await h.run(schedule, { network: 'linkedin', text: 'Spring sale Monday', scheduledAt: '2099-03-02T09:00:00Z' });
    const moved = await h.run(updateEntry, { entryId: e.entryId, scheduledAt: '2099-03-05T10:30:00+01:00', text: 'Spring sale Thursday' });
    expect(moved).toMatchObject({
      entryId: e.entryId,
      scheduledAt: '2099-03-05T09:30:00.000Z',
      text: 'Spring sale Thursday',
      status: 'scheduled',
    });
    const all = await h.run(calendar, { from: '2099-03-01T00:00:00Z', to: '2099-03-31T23:59:59Z' });
    expect(all.entries.map((x) => [x.entryId, x.scheduledAt])).toEqual([[e.entryId, '2099-03-05T09:30:00.000Z']]);
  });

  it('refuses an unknown entry, a past time, a text over the limit and a published entry, leaving the entry as it was', async () => {
    const h = createHarness(plugin);
    const e = await h.run(schedule, { network: 'x', text: 'ok', scheduledAt: '2099-01-01T00:00:00Z' });
    await expect(h.run(updateEntry, { entryId: 'soc_nope', text: 'hi' })).rejects.toMatchObject({ code: 'NH_SOCIAL_ENTRY_NOT_FOUND' });
    await expect(h.run(updateEntry, { entryId: e.entryId, scheduledAt: '2001-01-01T00:00:00Z' })).rejects.toMatchObject({
      code: 'NH_SOCIAL_TIME_INVALID',
    });
    await expect(h.run(updateEntry, { entryId: e.entryId, text: 'x'.repeat(281) })).rejects.toMatchObject({
      code: 'NH_SOCIAL_POST_INVALID',
    });
    const key = `2099-01-01T00:00:00.000Z#${e.entryId}`;
    await h.context.store.put('calendar', key, { ...e, status: 'published' });
    await expect(h.run(updateEntry, { entryId: e.entryId, text: 'new' })).rejects.toMatchObject({ code: 'NH_SOCIAL_ENTRY_LOCKED' });
    expect((await h.context.store.get('calendar', key))?.value).toMatchObject({ text: 'ok' });
  });
});
