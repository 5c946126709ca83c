import connectorPlugin from '@neonhub/plugin-connector-social-sandbox';
import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { calendar } from './calendar.js';
import { publish } from './publish.js';
import { schedule } from './schedule.js';

/** agent-social with ctx.callTool wired to a real connector-social-sandbox harness. */
function wired(held?: (input: unknown) => boolean) {
  let hold = held;
  const connector = createHarness(connectorPlugin);
  const keys: string[] = [];
  const agent = createHarness(plugin, {
    callTool: async (tool, input, options) => {
      if (tool === 'connector-social-sandbox:posts') return connector.call('posts', input);
      expect(tool).toBe('connector-social-sandbox:post');
      keys.push(options?.idempotencyKey ?? '');
      if (hold?.(input)) return { pendingApproval: { approvalId: 'ap-9', reason: 'posting needs approval' } };
      return connector.call('post', input, options?.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {});
    },
  });
  return { agent, connector, keys, release: () => (hold = undefined) };
}

describe('publish', () => {
  it('publishes a direct post once per idempotency key', async () => {
    const { agent, connector, keys } = wired();
    const a = await agent.run(publish, { network: 'x', text: 'Sale is live' }, { idempotencyKey: 'pub-1' });
    const b = await agent.run(publish, { network: 'x', text: 'Sale is live' }, { idempotencyKey: 'pub-1' });
    expect(a).toMatchObject({ network: 'x', status: 'published', duplicate: false });
    expect(b).toMatchObject({ postId: a.postId, duplicate: true });
    expect(keys).toEqual(['pub-1', 'pub-1']);
    expect(((await connector.call('posts', {})) as { total: number }).total).toBe(1);
  });

  it('puts a direct post on the calendar at the time it was published, once however often it is retried', async () => {
    const { agent } = wired();
    const before = new Date().toISOString();
    const a = await agent.run(publish, { network: 'linkedin', text: 'We are live' }, { idempotencyKey: 'run-7:publish' });
    await agent.run(publish, { network: 'linkedin', text: 'We are live' }, { idempotencyKey: 'run-7:publish' });
    const { entries } = await agent.run(calendar, { from: before, to: new Date(Date.now() + 1000).toISOString() });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ network: 'linkedin', text: 'We are live', status: 'published', postId: a.postId, url: a.url });
    expect(entries[0]?.scheduledAt).toBe(entries[0]?.publishedAt);
  });

  it('publishes a due calendar entry, marks it published and refuses to publish it again', async () => {
    const { agent, connector } = wired();
    const soon = new Date(Date.now() + 30_000).toISOString();
    const e = await agent.run(schedule, { network: 'linkedin', text: 'Launch day', scheduledAt: soon });
    const r = await agent.run(publish, { entryId: e.entryId });
    expect(r).toMatchObject({ entryId: e.entryId, status: 'published', url: expect.stringContaining('sandbox.neonhub.local/linkedin/') });
    const [listed] = (await agent.run(calendar, { from: soon, to: soon })).entries;
    expect(listed).toMatchObject({ status: 'published', postId: r.postId, url: r.url });
    await expect(agent.run(publish, { entryId: e.entryId })).rejects.toMatchObject({ code: 'NH_SOCIAL_ALREADY_PUBLISHED' });
    const [post] = ((await connector.call('posts', {})) as { posts: Array<{ idempotencyKey: string }> }).posts;
    expect(post?.idempotencyKey).toBe(e.entryId);
  });

  it('hands a future entry to the network as scheduled', async () => {
    const { agent, connector } = wired();
    const e = await agent.run(schedule, { network: 'facebook', text: 'Next week', scheduledAt: '2099-01-01T00:00:00Z' });
    const r = await agent.run(publish, { entryId: e.entryId });
    expect(r.status).toBe('scheduled_on_network');
    const [post] = ((await connector.call('posts', {})) as { posts: Array<{ scheduledAt?: string }> }).posts;
    expect(post?.scheduledAt).toBe('2099-01-01T00:00:00.000Z');
  });

  it('records an approval hold on the entry', async () => {
    const { agent } = wired(() => true);
    const e = await agent.run(schedule, { network: 'x', text: 'Held', scheduledAt: '2099-01-01T00:00:00Z' });
    const r = await agent.run(publish, { entryId: e.entryId });
    expect(r).toEqual({
      entryId: e.entryId,
      network: 'x',
      status: 'pending_approval',
      approvalId: 'ap-9',
      reason: 'posting needs approval',
      duplicate: false,
    });
    const [listed] = (await agent.run(calendar, { from: '2099-01-01T00:00:00Z', to: '2099-01-01T00:00:00Z' })).entries;
    expect(listed).toMatchObject({ status: 'pending_approval', approvalId: 'ap-9' });
  });

  it('refuses a direct post over the limit and an unknown entry', async () => {
    const { agent } = wired();
    await expect(agent.run(publish, { network: 'x', text: 'y'.repeat(300) })).rejects.toMatchObject({ code: 'NH_SOCIAL_POST_INVALID' });
    await expect(agent.run(publish, { entryId: 'soc_nope' })).rejects.toMatchObject({ code: 'NH_SOCIAL_ENTRY_NOT_FOUND' });
    await expect(agent.run(publish, { network: 'x' })).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
  });
});

describe('publishing an entry an approver already posted', () => {
  it('finds the post under the entry key and marks the entry published without posting again', async () => {
    const { agent, connector, release } = wired(() => true);
    const e = await agent.run(schedule, { network: 'x', text: 'Held', scheduledAt: new Date(Date.now() + 30_000).toISOString() });
    expect((await agent.run(publish, { entryId: e.entryId })).status).toBe('pending_approval');
    release();
    // What governance:approve does: it runs the held connector call with its original key.
    const posted = (await connector.call('post', { network: 'x', text: 'Held' }, { idempotencyKey: e.entryId })) as { postId: string };
    const r = await agent.run(publish, { entryId: e.entryId });
    expect(r).toMatchObject({ status: 'published', postId: posted.postId, duplicate: true });
    expect(((await connector.call('posts', {})) as { total: number }).total).toBe(1);
    await expect(agent.run(publish, { entryId: e.entryId })).rejects.toMatchObject({ code: 'NH_SOCIAL_ALREADY_PUBLISHED' });
  });
});
