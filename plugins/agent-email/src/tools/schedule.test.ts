import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { compose } from './compose.js';
import { listSchedules } from './list-schedules.js';
import { schedule } from './schedule.js';

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

describe('schedule and list_schedules', () => {
  it('stores a schedule with its send time and recipients, reporting missing fields', async () => {
    const h = createHarness(plugin);
    const { templateId } = await h.run(compose, { subject: 'Hi', body: 'Hi {{first_name}}' });
    const sendAt = inAnHour();
    const r = await h.run(schedule, {
      templateId,
      sendAt,
      recipients: [{ email: 'a@example.com', fields: { first_name: 'A' } }, { email: 'b@example.com' }],
    });
    expect(r).toMatchObject({
      templateId,
      sendAt,
      recipients: 2,
      status: 'scheduled',
      missing: [{ email: 'b@example.com', fields: ['first_name'] }],
    });
    const list = await h.run(listSchedules, {});
    expect(list.schedules).toEqual([{ scheduleId: r.scheduleId, templateId, sendAt, status: 'scheduled', recipients: 2 }]);
    expect((await h.run(listSchedules, { dueBefore: new Date().toISOString() })).schedules).toEqual([]);
  });

  it('orders by send time and refuses a time in the past or an unknown template', async () => {
    const h = createHarness(plugin);
    const { templateId } = await h.run(compose, { subject: 'Hi', body: 'Hello' });
    const later = await h.run(schedule, { templateId, sendAt: '2099-01-02T00:00:00Z', recipients: [{ email: 'a@example.com' }] });
    const sooner = await h.run(schedule, { templateId, sendAt: '2099-01-01T00:00:00+02:00', recipients: [{ email: 'a@example.com' }] });
    expect(sooner.sendAt).toBe('2098-12-31T22:00:00.000Z');
    expect((await h.run(listSchedules, {})).schedules.map((s) => s.scheduleId)).toEqual([sooner.scheduleId, later.scheduleId]);
    await expect(
      h.run(schedule, { templateId, sendAt: '2020-01-01T00:00:00Z', recipients: [{ email: 'a@example.com' }] }),
    ).rejects.toMatchObject({
      code: 'NH_EMAIL_SEND_TIME_INVALID',
    });
    await expect(
      h.run(schedule, { templateId: 'tpl_nope', sendAt: inAnHour(), recipients: [{ email: 'a@example.com' }] }),
    ).rejects.toMatchObject({
      code: 'NH_EMAIL_TEMPLATE_NOT_FOUND',
      status: 404,
    });
  });
});
