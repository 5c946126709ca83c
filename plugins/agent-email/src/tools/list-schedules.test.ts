import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { compose } from './compose.js';
import { listSchedules } from './list-schedules.js';
import { schedule } from './schedule.js';
import { send } from './send.js';

describe('list_schedules', () => {
  it('filters by status and by due time', async () => {
    const h = createHarness(plugin, { callTool: async () => ({ messageId: 'm', duplicate: false }) });
    const { templateId } = await h.run(compose, { subject: 'Hi', body: 'Hello' });
    const a = await h.run(schedule, { templateId, sendAt: '2099-01-01T00:00:00Z', recipients: [{ email: 'a@example.com' }] });
    const b = await h.run(schedule, {
      templateId,
      sendAt: '2099-06-01T00:00:00Z',
      recipients: [{ email: 'b@example.com' }, { email: 'c@example.com' }],
    });
    await h.run(send, { scheduleId: a.scheduleId });
    expect((await h.run(listSchedules, { status: 'scheduled' })).schedules.map((s) => [s.scheduleId, s.recipients])).toEqual([
      [b.scheduleId, 2],
    ]);
    expect((await h.run(listSchedules, { status: 'sent' })).schedules.map((s) => s.scheduleId)).toEqual([a.scheduleId]);
    expect((await h.run(listSchedules, { dueBefore: '2099-03-01T00:00:00Z' })).schedules.map((s) => s.scheduleId)).toEqual([a.scheduleId]);
  });
});
