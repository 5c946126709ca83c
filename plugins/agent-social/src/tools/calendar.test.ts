import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { calendar } from './calendar.js';
import { schedule } from './schedule.js';

describe('calendar', () => {
  it('lists a date range in time order, inclusive, filtered by network', async () => {
    const h = createHarness(plugin);
    const at = ['2099-03-05T10:00:00Z', '2099-03-01T10:00:00Z', '2099-03-03T10:00:00Z', '2099-03-09T10:00:00Z'];
    const nets = ['x', 'linkedin', 'x', 'x'] as const;
    for (const [i, scheduledAt] of at.entries()) await h.run(schedule, { network: nets[i], text: `post ${i}`, scheduledAt });
    const all = await h.run(calendar, { from: '2099-03-01T10:00:00Z', to: '2099-03-05T10:00:00Z' });
    expect(all.entries.map((e) => e.text)).toEqual(['post 1', 'post 2', 'post 0']);
    const xs = await h.run(calendar, { from: '2099-03-01T00:00:00Z', to: '2099-12-31T00:00:00Z', network: 'twitter' });
    expect(xs.entries.map((e) => e.text)).toEqual(['post 2', 'post 0', 'post 3']);
    await expect(h.run(calendar, { from: '2099-03-05T00:00:00Z', to: '2099-03-01T00:00:00Z' })).rejects.toMatchObject({
      code: 'NH_SOCIAL_TIME_INVALID',
    });
  });
});
