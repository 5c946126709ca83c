import { type BlueskyFake, startFake } from '@neonhub/fakes';
import { PluginManifestSchema } from '@neonhub/schemas';
import { createHarness } from '@neonhub/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import manifestJson from '../../plugin.json' with { type: 'json' };
import { forgetAgents } from '../client.js';
import plugin from '../index.js';
import { metrics } from './metrics.js';
import { post } from './post.js';

let bsky: BlueskyFake;

function harness() {
  const manifest = PluginManifestSchema.parse({ ...manifestJson, network: { hosts: [new URL(bsky.url).host] } });
  return createHarness(plugin, {
    manifest,
    config: { baseUrl: bsky.url },
    connection: {
      id: 'conn-bsky',
      label: 'Brand',
      credentials: { identifier: bsky.account.handle, appPassword: bsky.account.appPassword },
    },
  });
}

beforeAll(async () => {
  forgetAgents();
  bsky = await startFake('bluesky');
});
afterAll(() => bsky.close());

describe('connector-bluesky metrics (@atproto/api getPosts against the fake)', () => {
  it('maps likes, reposts + quotes and replies; says impressions and clicks are not reported; pages by 25', async () => {
    const h = harness();
    const ids: string[] = [];
    for (let i = 0; i < 27; i++) ids.push((await h.run(post, { text: `Post ${i}` })).postId);
    Object.assign(bsky.posts[0]!.engagement, { likes: 8, shares: 2, quotes: 1, comments: 3 });
    const gone = `at://${bsky.account.did}/app.bsky.feed.post/3zzzzzzzzzzzz`;
    const r = await h.run(metrics, { postIds: [...ids, gone] });
    expect(r.notReported).toEqual(['impressions', 'clicks']);
    expect(r.posts).toHaveLength(27);
    expect(r.posts[0]).toEqual({ postId: ids[0], impressions: 0, clicks: 0, likes: 8, shares: 3, comments: 3 });
    expect(r.posts[26]).toEqual({ postId: ids[26], impressions: 0, clicks: 0, likes: 0, shares: 0, comments: 0 });
    const reads = bsky.requests.filter((q) => q.path === '/xrpc/app.bsky.feed.getPosts');
    expect(reads.map((q) => q.query.getAll('uris').length)).toEqual([25, 3]);
  });

  it('a rate limit is NH_CONNECTOR_RATE_LIMITED', async () => {
    bsky.rateLimit(1);
    await expect(harness().run(metrics, { postIds: [bsky.posts[0]!.uri] })).rejects.toMatchObject({ code: 'NH_CONNECTOR_RATE_LIMITED' });
  });
});
