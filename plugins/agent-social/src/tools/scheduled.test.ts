import connectorPlugin from '@neonhub/plugin-connector-social-sandbox';
import type { ChannelRoute } from '@neonhub/sdk';
import { createHarness, createMemoryScheduler } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { calendar } from './calendar.js';
import { cancel } from './cancel.js';
import { publish } from './publish.js';
import { schedule } from './schedule.js';
import { updateEntry } from './update-entry.js';

/** agent-social with the host's scheduler (in memory) and the sandbox connector behind ctx.callTool. */
function wired(route?: (network?: string) => ChannelRoute | undefined) {
  const scheduler = createMemoryScheduler();
  const connector = createHarness(connectorPlugin);
  const routed: { tool: string; input: unknown; key?: string }[] = [];
  const agent = createHarness(plugin, {
    scheduler,
    ...(route ? { channels: { resolve: async (_channel, opts) => route(opts?.network) } } : {}),
    callTool: async (tool, input, options) => {
      if (tool === 'connector-social-sandbox:posts') return connector.call('posts', input);
      if (tool === 'connector-social-sandbox:post')
        return connector.call('post', input, options?.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {});
      routed.push({ tool, input, ...(options?.idempotencyKey ? { key: options.idempotencyKey } : {}) });
      return { postId: `real-${routed.length}`, url: `https://x.example/${routed.length}`, duplicate: false, status: 'published' };
    },
  });
  const posts = async () => ((await connector.call('posts', {})) as { total: number }).total;
  return { agent, scheduler, posts, routed };
}

describe('schedule with the host scheduler', () => {
  it('registers publish({ entryId }) at the time, on the social calendar, and reads a local time in the scheduler', async () => {
    const { agent, scheduler } = wired();
    const e = await agent.run(schedule, { network: 'x', text: 'Doors open at nine', scheduledAt: '2099-03-02T09:00' });
    expect(e.scheduledAt).toBe('2099-03-02T09:00:00.000Z'); // the memory scheduler reads local times in UTC
    const s = scheduler.entries.get(e.entryId)!;
    expect(s).toMatchObject({
      tool: 'agent-social:publish',
      input: { entryId: e.entryId },
      runAt: '2099-03-02T09:00:00.000Z',
      channel: 'social',
      network: 'x',
      title: 'Doors open at nine',
      status: 'scheduled',
    });
  });

  it('update_entry moves the scheduler and the calendar; a move made on the calendar (the scheduler) shows in the agent calendar', async () => {
    const { agent, scheduler } = wired();
    const e = await agent.run(schedule, { network: 'linkedin', text: 'Launch', scheduledAt: '2099-03-02T09:00:00Z' });
    const moved = await agent.run(updateEntry, { entryId: e.entryId, scheduledAt: '2099-03-04T10:00:00+01:00' });
    expect(moved.scheduledAt).toBe('2099-03-04T09:00:00.000Z');
    expect(scheduler.entries.get(e.entryId)!.runAt).toBe('2099-03-04T09:00:00.000Z');
    // The console moved it through the host API: only the scheduler knows.
    await scheduler.move(e.entryId, '2099-03-10T08:00:00Z');
    const list = await agent.run(calendar, { from: '2099-03-09T00:00:00Z', to: '2099-03-11T00:00:00Z' });
    expect(list.entries.map((x) => [x.entryId, x.scheduledAt])).toEqual([[e.entryId, '2099-03-10T08:00:00.000Z']]);
    expect((await agent.run(calendar, { from: '2099-03-01T00:00:00Z', to: '2099-03-05T00:00:00Z' })).entries).toEqual([]);
  });

  it('cancel takes it off the scheduler; a failure the scheduler recorded shows with its reason', async () => {
    const { agent, scheduler } = wired();
    const a = await agent.run(schedule, { network: 'x', text: 'one', scheduledAt: '2099-03-02T09:00:00Z' });
    const b = await agent.run(schedule, { network: 'x', text: 'two', scheduledAt: '2099-03-02T10:00:00Z' });
    expect(await agent.run(cancel, { entryId: a.entryId })).toMatchObject({ status: 'cancelled' });
    expect(scheduler.entries.get(a.entryId)!.status).toBe('cancelled');
    scheduler.settle(b.entryId, 'failed', { code: 'NH_TOOL_DENIED', message: 'denied by governance' });
    const list = await agent.run(calendar, { from: '2099-03-02T00:00:00Z', to: '2099-03-03T00:00:00Z' });
    expect(list.entries.map((x) => [x.text, x.status, x.error?.code])).toEqual([
      ['one', 'cancelled', undefined],
      ['two', 'failed', 'NH_TOOL_DENIED'],
    ]);
    // a cancelled entry comes back when moved
    expect(await agent.run(updateEntry, { entryId: a.entryId, scheduledAt: '2099-04-01T09:00:00Z' })).toMatchObject({
      status: 'scheduled',
    });
    expect(scheduler.entries.get(a.entryId)!.status).toBe('scheduled');
  });

  it('the scheduler firing publish twice with its key posts once and answers the same both times', async () => {
    const { agent, scheduler, posts } = wired();
    const e = await agent.run(schedule, { network: 'x', text: 'Due now', scheduledAt: new Date().toISOString() });
    const key = scheduler.entries.get(e.entryId)!.idempotencyKey;
    const first = await agent.run(publish, { entryId: e.entryId }, { idempotencyKey: key });
    const again = await agent.run(publish, { entryId: e.entryId }, { idempotencyKey: key });
    expect(first).toMatchObject({ status: 'published', duplicate: false });
    expect(again).toMatchObject({ status: 'published', duplicate: true, postId: first.postId });
    expect(await posts()).toBe(1);
  });

  it('publishing by hand before the time cancels the schedule, so the host does not publish it again', async () => {
    const { agent, scheduler, posts } = wired();
    const e = await agent.run(schedule, { network: 'x', text: 'Early', scheduledAt: new Date(Date.now() + 30_000).toISOString() });
    await agent.run(publish, { entryId: e.entryId });
    expect(scheduler.entries.get(e.entryId)!.status).toBe('cancelled');
    expect(await posts()).toBe(1);
  });
});

describe('publish routes through ctx.channels', () => {
  const real: ChannelRoute = {
    plugin: 'connector-x',
    tool: 'connector-x:post',
    sandbox: false,
    connection: { id: 'conn-1', label: 'Brand X account' },
  };

  it("posts through the workspace's connected connector with its connection, under the entry's key", async () => {
    const { agent, posts, routed } = wired((network) => (network === 'x' ? real : undefined));
    const e = await agent.run(schedule, { network: 'x', text: 'Live on X', scheduledAt: new Date().toISOString() });
    const r = await agent.run(publish, { entryId: e.entryId });
    expect(r).toMatchObject({ status: 'published', postId: 'real-1', url: 'https://x.example/1', duplicate: false });
    expect(routed).toEqual([
      { tool: 'connector-x:post', input: { text: 'Live on X', mediaUrls: [], connection: 'conn-1' }, key: e.entryId },
    ]);
    expect(await posts()).toBe(0);
  });

  it('falls back to the sandbox connector when the router resolves nothing (or the sandbox)', async () => {
    const { agent, posts, routed } = wired((network) => (network === 'x' ? real : undefined));
    const r = await agent.run(publish, { network: 'linkedin', text: 'Sandboxed' });
    expect(r).toMatchObject({ status: 'published', url: expect.stringContaining('sandbox.neonhub.local/linkedin/') });
    expect(routed).toEqual([]);
    expect(await posts()).toBe(1);
    const sandboxRoute = wired(() => ({ plugin: 'connector-social-sandbox', tool: 'connector-social-sandbox:post', sandbox: true }));
    await sandboxRoute.agent.run(publish, { network: 'x', text: 'also sandbox' });
    expect(await sandboxRoute.posts()).toBe(1);
  });
});
