import { startFake, type XFake } from '@neonhub/fakes';
import { PluginManifestSchema } from '@neonhub/schemas';
import { createHarness } from '@neonhub/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import manifestJson from '../../plugin.json' with { type: 'json' };
import plugin from '../index.js';
import { metrics } from './metrics.js';
import { post } from './post.js';

let x: XFake;
let accessToken: string;

function harness() {
  const manifest = PluginManifestSchema.parse({ ...manifestJson, network: { hosts: [new URL(x.url).host] } });
  return createHarness(plugin, {
    manifest,
    config: { baseUrl: x.url },
    connection: { id: 'conn-x', label: 'Brand X', credentials: { accessToken }, account: { id: x.user.id } },
  });
}

beforeAll(async () => {
  x = await startFake('x');
  accessToken = x.tokens.issue().accessToken;
});
afterAll(() => x.close());

describe('connector-x metrics (GET /2/tweets against the X fake)', () => {
  it('maps public and non-public metrics onto the contract; an unknown id is left out', async () => {
    const h = harness();
    const a = await h.run(post, { text: 'Spring sale starts Monday' });
    const b = await h.run(post, { text: 'Second post' });
    Object.assign(x.posts[0]!.engagement, { impressions: 900, clicks: 31, likes: 40, shares: 5, quotes: 2, comments: 7 });
    Object.assign(x.posts[1]!.engagement, { impressions: 10, likes: 1 });
    const r = await h.run(metrics, { postIds: [a.postId, b.postId, '1999999999999999999'] });
    expect(r).toEqual({
      posts: [
        { postId: a.postId, impressions: 900, clicks: 31, likes: 40, shares: 7, comments: 7 },
        { postId: b.postId, impressions: 10, clicks: 0, likes: 1, shares: 0, comments: 0 },
      ],
    });
    const q = x.requests.at(-1)!;
    expect(q.path).toBe('/2/tweets');
    expect(q.query.get('ids')).toBe(`${a.postId},${b.postId},1999999999999999999`);
    expect(q.query.get('tweet.fields')).toBe('public_metrics,non_public_metrics');
    expect(q.headers.authorization).toBe(`Bearer ${accessToken}`);
  });

  it('falls back to public metrics and says clicks are not reported when X refuses the private ones (post over 30 days)', async () => {
    const h = harness();
    const old = await h.run(post, { text: 'An old post' });
    const p = x.posts.find((t) => t.id === old.postId)!;
    p.createdAt = new Date(Date.now() - 40 * 86_400_000).toISOString();
    Object.assign(p.engagement, { impressions: 50, clicks: 9, likes: 3 });
    const r = await h.run(metrics, { postIds: [old.postId] });
    expect(r).toEqual({
      posts: [{ postId: old.postId, impressions: 50, clicks: 0, likes: 3, shares: 0, comments: 0 }],
      notReported: ['clicks'],
    });
  });

  it('an expired token is NH_CONNECTOR_AUTH_FAILED; a 429 is NH_CONNECTOR_RATE_LIMITED with retryAfterMs', async () => {
    const h = harness();
    x.rateLimit(1);
    await expect(h.run(metrics, { postIds: ['1'] })).rejects.toMatchObject({ code: 'NH_CONNECTOR_RATE_LIMITED' });
    x.tokens.expireAll();
    await expect(h.run(metrics, { postIds: ['1'] })).rejects.toMatchObject({ code: 'NH_CONNECTOR_AUTH_FAILED' });
    accessToken = x.tokens.issue().accessToken;
  });
});
