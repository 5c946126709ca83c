import connectorPlugin from '@neonhub/plugin-connector-email-sandbox';
import type { ChannelRoute } from '@neonhub/sdk';
import { createHarness, createMemoryScheduler } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { cancel } from './cancel.js';
import { compose } from './compose.js';
import { listSchedules } from './list-schedules.js';
import { reschedule } from './reschedule.js';
import { schedule } from './schedule.js';
import { send } from './send.js';

/** agent-email with the host's scheduler (in memory), the sandbox connector, and optionally a channel router. */
function wired(route?: ChannelRoute) {
  const scheduler = createMemoryScheduler();
  const connector = createHarness(connectorPlugin);
  const routed: { tool: string; input: Record<string, unknown>; key?: string }[] = [];
  const agent = createHarness(plugin, {
    scheduler,
    ...(route ? { channels: { resolve: async (channel) => (channel === 'email' ? route : undefined) } } : {}),
    callTool: async (tool, input, options) => {
      const key = options?.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {};
      if (tool === 'connector-email-sandbox:outbox') return connector.call('outbox', input);
      if (tool === 'connector-email-sandbox:send') return connector.call('send', input, key);
      routed.push({ tool, input: input as Record<string, unknown>, ...(options?.idempotencyKey ? { key: options.idempotencyKey } : {}) });
      const to = (input as { to: string }).to;
      return {
        messageId: `prov-${routed.length}`,
        duplicate: false,
        status: 'sent',
        sandbox: false,
        to: [to],
        recordedAt: new Date().toISOString(),
      };
    },
  });
  const sent = async () => ((await connector.call('outbox', {})) as { messages: unknown[] }).messages.length;
  return { agent, scheduler, sent, routed };
}

async function composed(agent: ReturnType<typeof wired>['agent']) {
  return (await agent.run(compose, { subject: 'Spring sale', body: 'Hi {{first_name | there}}' })).templateId;
}
const recipients = [{ email: 'ada@example.com', fields: { first_name: 'Ada' } }, { email: 'bob@example.com' }];

describe('e-mail schedules with the host scheduler', () => {
  it('registers send({ scheduleId }) on the e-mail calendar under the subject', async () => {
    const { agent, scheduler } = wired();
    const templateId = await composed(agent);
    const s = await agent.run(schedule, { templateId, recipients, sendAt: '2099-05-01T09:00' });
    expect(s).toMatchObject({ sendAt: '2099-05-01T09:00:00.000Z', status: 'scheduled' });
    expect(scheduler.entries.get(s.scheduleId)).toMatchObject({
      tool: 'agent-email:send',
      input: { scheduleId: s.scheduleId },
      channel: 'email',
      title: 'Spring sale',
      runAt: '2099-05-01T09:00:00.000Z',
    });
  });

  it('reschedule and cancel go through the scheduler; list_schedules shows what the scheduler holds', async () => {
    const { agent, scheduler } = wired();
    const templateId = await composed(agent);
    const a = await agent.run(schedule, { templateId, recipients, sendAt: '2099-05-01T09:00:00Z' });
    const b = await agent.run(schedule, { templateId, recipients, sendAt: '2099-05-02T09:00:00Z' });
    expect(await agent.run(reschedule, { scheduleId: a.scheduleId, sendAt: '2099-05-03T11:00:00+02:00' })).toMatchObject({
      sendAt: '2099-05-03T09:00:00.000Z',
    });
    expect(await agent.run(cancel, { scheduleId: b.scheduleId })).toEqual({ scheduleId: b.scheduleId, status: 'cancelled' });
    expect(scheduler.entries.get(b.scheduleId)!.status).toBe('cancelled');
    // moved on the console's calendar (the scheduler only), and a failure the scheduler recorded
    await scheduler.move(a.scheduleId, '2099-06-01T08:00:00Z');
    const listed = await agent.run(listSchedules, {});
    expect(listed.schedules.map((s) => [s.scheduleId, s.sendAt, s.status])).toEqual([
      [b.scheduleId, '2099-05-02T09:00:00.000Z', 'cancelled'],
      [a.scheduleId, '2099-06-01T08:00:00.000Z', 'scheduled'],
    ]);
    scheduler.settle(a.scheduleId, 'failed', { code: 'NH_TOOL_DENIED', message: 'no consent' });
    expect((await agent.run(listSchedules, { status: 'failed' })).schedules).toMatchObject([
      { scheduleId: a.scheduleId, error: { code: 'NH_TOOL_DENIED' } },
    ]);
  });

  it('the scheduler firing send twice with its key sends each recipient once', async () => {
    const { agent, scheduler, sent } = wired();
    const templateId = await composed(agent);
    const s = await agent.run(schedule, { templateId, recipients, sendAt: new Date().toISOString() });
    const key = scheduler.entries.get(s.scheduleId)!.idempotencyKey;
    expect(await agent.run(send, { scheduleId: s.scheduleId }, { idempotencyKey: key })).toMatchObject({ status: 'sent' });
    expect(await agent.run(send, { scheduleId: s.scheduleId }, { idempotencyKey: key })).toMatchObject({ status: 'sent' });
    expect(await sent()).toBe(2);
  });

  it('sending by hand before the time cancels the schedule', async () => {
    const { agent, scheduler, sent } = wired();
    const templateId = await composed(agent);
    const s = await agent.run(schedule, { templateId, recipients, sendAt: new Date(Date.now() + 600_000).toISOString() });
    await agent.run(send, { scheduleId: s.scheduleId });
    expect(scheduler.entries.get(s.scheduleId)!.status).toBe('cancelled');
    expect(await sent()).toBe(2);
  });
});

describe('send routes through ctx.channels', () => {
  it("sends through the workspace's connected provider with its connection, one key per recipient", async () => {
    const route = { plugin: 'connector-resend', tool: 'connector-resend:send', sandbox: false, connection: { id: 'c-9', label: 'Resend' } };
    const { agent, sent, routed } = wired(route);
    const templateId = await composed(agent);
    const r = await agent.run(send, { templateId, recipients }, { idempotencyKey: 'k1' });
    expect(r.results.map((x) => [x.email, x.status, x.messageId])).toEqual([
      ['ada@example.com', 'sent', 'prov-1'],
      ['bob@example.com', 'sent', 'prov-2'],
    ]);
    expect(routed.map((x) => [x.tool, x.input.to, x.input.connection, x.key])).toEqual([
      ['connector-resend:send', 'ada@example.com', 'c-9', 'k1/ada@example.com'],
      ['connector-resend:send', 'bob@example.com', 'c-9', 'k1/bob@example.com'],
    ]);
    expect(routed[0]!.input).toMatchObject({ subject: 'Spring sale', text: 'Hi Ada' });
    expect(await sent()).toBe(0);
  });

  it('falls back to the sandbox connector when the router resolves nothing or the sandbox', async () => {
    for (const route of [undefined, { plugin: 'connector-email-sandbox', tool: 'connector-email-sandbox:send', sandbox: true }]) {
      const { agent, sent, routed } = wired(route);
      const templateId = await composed(agent);
      await agent.run(send, { templateId, recipients });
      expect(routed).toEqual([]);
      expect(await sent()).toBe(2);
    }
  });
});
