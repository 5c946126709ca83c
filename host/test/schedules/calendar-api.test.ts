import type { ScheduledCall } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { operatorInject, removeRoot } from '../integration/helpers.js';
import { type Booted, boot, owner, posts, scheduleRoot, testClock, workspace } from './fixture.js';

/**
 * The calendar API (what the console's calendar page calls) and time zones: a workspace in Europe/Paris schedules
 * an e-mail at 09:00 local on both sides of the spring DST change (UTC+1 → UTC+2 on 2027-03-28), and it is sent at
 * 09:00 Paris time each day — 08:00 UTC before the change, 07:00 UTC after — by the scheduler's clock.
 */
let root: string;
const clock = testClock();
let h: Booted;
let app: FastifyInstance;
let inject: FastifyInstance['inject'];

beforeAll(async () => {
  root = await scheduleRoot('schedules-api');
  h = await boot(root, { clock });
  await workspace(h.host, 'acme');
  app = await buildApp(h.host);
  inject = operatorInject(app, h.host);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await h?.close();
  removeRoot(root);
});

const json = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
  const r = await inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  return {
    status: r.statusCode,
    body: r.json() as {
      timeZone?: string;
      schedules: ScheduledCall[];
      schedule: ScheduledCall;
      entry: { entryId: string };
      error: { code: string };
    },
  };
};

describe('the workspace time zone', () => {
  it('defaults to UTC, takes an IANA zone, refuses anything else with a code', async () => {
    expect((await json('GET', '/api/workspaces/acme/time-zone')).body).toEqual({ timeZone: 'UTC' });
    expect((await json('PUT', '/api/workspaces/acme/time-zone', { timeZone: 'Europe/Paris' })).body).toEqual({ timeZone: 'Europe/Paris' });
    const bad = await json('PUT', '/api/workspaces/acme/time-zone', { timeZone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('NH_REQUEST_INVALID');
  });
});

describe('09:00 Europe/Paris across the spring DST change', () => {
  it('e-mails scheduled at 09:00 local the day before and after the change run at 08:00Z and 07:00Z', async () => {
    // The scheduler's clock stands on 2027-03-26 (a Friday before the change).
    clock.advance(Date.parse('2027-03-26T12:00:00Z') - clock.now());
    const compose = await h.host.callTool({
      workspace: 'acme',
      tool: 'agent-email:compose',
      input: { subject: 'Morning news', body: 'Hello {{first_name | there}}' },
      actor: owner,
    });
    const templateId = (compose as { output: { templateId: string } }).output.templateId;
    const sendAt = async (local: string) => {
      const r = await h.host.callTool({
        workspace: 'acme',
        tool: 'agent-email:schedule',
        input: { templateId, recipients: [{ email: 'ada@example.com' }], sendAt: local },
        actor: owner,
      });
      return (r as { output: { scheduleId: string; sendAt: string } }).output;
    };
    const before = await sendAt('2027-03-27T09:00');
    const after = await sendAt('2027-03-29T09:00');
    expect(before.sendAt).toBe('2027-03-27T08:00:00.000Z');
    expect(after.sendAt).toBe('2027-03-29T07:00:00.000Z');

    const list = await json('GET', '/api/workspaces/acme/schedules?from=2027-03-27T00:00:00Z&to=2027-03-30T00:00:00Z&channel=email');
    expect(list.status).toBe(200);
    expect(list.body.timeZone).toBe('Europe/Paris');
    expect(list.body.schedules.map((s) => [s.runAt, s.timeZone, s.status, s.title])).toEqual([
      ['2027-03-27T08:00:00.000Z', 'Europe/Paris', 'scheduled', 'Morning news'],
      ['2027-03-29T07:00:00.000Z', 'Europe/Paris', 'scheduled', 'Morning news'],
    ]);

    const outbox = async () =>
      (
        (await h.host.callTool({ workspace: 'acme', tool: 'connector-email-sandbox:outbox', input: {}, actor: owner })) as {
          output: { messages: unknown[] };
        }
      ).output.messages.length;
    const tickAt = async (iso: string) => {
      clock.advance(Date.parse(iso) - clock.now());
      await h.runner.tick();
    };
    await tickAt('2027-03-27T07:59:59Z'); // 08:59:59 in Paris (UTC+1): not yet
    expect(await outbox()).toBe(0);
    await tickAt('2027-03-27T08:00:00Z'); // 09:00 in Paris
    expect(await outbox()).toBe(1);
    await tickAt('2027-03-29T06:59:59Z'); // 08:59:59 in Paris (UTC+2 now)
    expect(await outbox()).toBe(1);
    await tickAt('2027-03-29T07:00:00Z'); // 09:00 in Paris
    expect(await outbox()).toBe(2);
    const done = await json('GET', '/api/workspaces/acme/schedules?from=2027-03-27T00:00:00Z&to=2027-03-30T00:00:00Z');
    expect(done.body.schedules.map((s) => s.status)).toEqual(['sent', 'sent']);
  });
});

describe('the calendar routes', () => {
  it('creates a post from the calendar, moves it with a local time, cancels it; errors carry codes', async () => {
    const created = await json('POST', '/api/workspaces/acme/calendar/posts', {
      network: 'linkedin',
      text: 'From the calendar',
      scheduledAt: '2027-04-02T10:30',
    });
    expect(created.status).toBe(201);
    const s = created.body.schedule;
    expect(s).toMatchObject({
      channel: 'social',
      network: 'linkedin',
      plugin: 'agent-social',
      tool: 'agent-social:publish',
      runAt: '2027-04-02T08:30:00.000Z',
      timeZone: 'Europe/Paris',
      status: 'scheduled',
      idempotencyKey: `schedule:${s.id}`,
      createdBy: { type: 'user' },
    });
    expect(created.body.entry.entryId).toBe(s.key);

    const moved = await json('POST', `/api/workspaces/acme/schedules/${s.id}/move`, { runAt: '2027-04-03T18:00' });
    expect(moved.body.schedule.runAt).toBe('2027-04-03T16:00:00.000Z');
    const movedNy = await json('POST', `/api/workspaces/acme/schedules/${s.id}/move`, {
      runAt: '2027-04-03T09:00',
      timeZone: 'America/New_York',
    });
    expect(movedNy.body.schedule).toMatchObject({ runAt: '2027-04-03T13:00:00.000Z', timeZone: 'America/New_York' });
    // the agent's own calendar follows the move made here
    const cal = await h.host.callTool({
      workspace: 'acme',
      tool: 'agent-social:calendar',
      input: { from: '2027-04-03T00:00:00Z', to: '2027-04-04T00:00:00Z' },
      actor: owner,
    });
    expect((cal as { output: { entries: { entryId: string; scheduledAt: string }[] } }).output.entries).toMatchObject([
      { entryId: s.key, scheduledAt: '2027-04-03T13:00:00.000Z' },
    ]);

    const past = await json('POST', `/api/workspaces/acme/schedules/${s.id}/move`, { runAt: '2020-01-01T00:00:00Z' });
    expect([past.status, past.body.error.code]).toEqual([400, 'NH_SCHEDULE_TIME_PAST']);
    const cancelled = await json('POST', `/api/workspaces/acme/schedules/${s.id}/cancel`);
    expect(cancelled.body.schedule.status).toBe('cancelled');
    expect((await json('GET', `/api/workspaces/acme/schedules/${s.id}`)).body.schedule.status).toBe('cancelled');

    const missing = await json('GET', '/api/workspaces/acme/schedules/00000000-0000-4000-8000-000000000000');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'NH_SCHEDULE_NOT_FOUND']);
    const backwards = await json('GET', '/api/workspaces/acme/schedules?from=2027-05-01T00:00:00Z&to=2027-04-01T00:00:00Z');
    expect([backwards.status, backwards.body.error.code]).toEqual([400, 'NH_SCHEDULE_TIME_INVALID']);
    const tooLong = await json('POST', '/api/workspaces/acme/calendar/posts', {
      network: 'x',
      text: 'x'.repeat(400),
      scheduledAt: '2027-04-02T10:30',
    });
    expect([tooLong.status, tooLong.body.error.code]).toEqual([400, 'NH_SOCIAL_POST_INVALID']);
  });

  it('a published item can no longer be moved or cancelled (409)', async () => {
    const created = await json('POST', '/api/workspaces/acme/calendar/posts', {
      network: 'x',
      text: 'Publish me',
      scheduledAt: new Date(clock.now() + 60_000).toISOString(),
    });
    clock.advance(61_000);
    await h.runner.tick();
    const id = created.body.schedule.id;
    expect((await json('GET', `/api/workspaces/acme/schedules/${id}`)).body.schedule.status).toBe('published');
    expect((await posts(h.host, 'acme')).filter((p) => p.text === 'Publish me')).toHaveLength(1);
    for (const url of [`/api/workspaces/acme/schedules/${id}/cancel`, `/api/workspaces/acme/schedules/${id}/move`]) {
      const r = await json('POST', url, url.endsWith('move') ? { runAt: '2099-01-01T00:00:00Z' } : undefined);
      expect([r.status, r.body.error.code]).toEqual([409, 'NH_SCHEDULE_NOT_PENDING']);
    }
  });
});
