import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { schedule } from './schedule.js';

describe('schedule', () => {
  it('stores an entry on the calendar with the time in UTC', async () => {
    const h = createHarness(plugin);
    const e = await h.run(schedule, {
      network: 'linkedin',
      text: 'Spring sale Monday',
      scheduledAt: '2099-03-02T09:00:00+01:00',
      campaignId: 'c1',
    });
    expect(e).toMatchObject({
      network: 'linkedin',
      scheduledAt: '2099-03-02T08:00:00.000Z',
      status: 'scheduled',
      campaignId: 'c1',
      mediaUrls: [],
    });
    expect(e.entryId).toMatch(/^soc_/);
    expect((await h.context.store.get('calendar', `2099-03-02T08:00:00.000Z#${e.entryId}`))?.value).toEqual(e);
  });

  it('refuses a post over the network limit and a time in the past', async () => {
    const h = createHarness(plugin);
    await expect(h.run(schedule, { network: 'x', text: 'x'.repeat(281), scheduledAt: '2099-01-01T00:00:00Z' })).rejects.toMatchObject({
      code: 'NH_SOCIAL_POST_INVALID',
      details: { length: 281, maxLength: 280 },
    });
    await expect(h.run(schedule, { network: 'x', text: 'ok', scheduledAt: '2001-01-01T00:00:00Z' })).rejects.toMatchObject({
      code: 'NH_SOCIAL_TIME_INVALID',
    });
  });
});
