import { type MetaFake, startFake } from '@neonhub/fakes';
import { PluginManifestSchema } from '@neonhub/schemas';
import { createHarness } from '@neonhub/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import manifestJson from '../../plugin.json' with { type: 'json' };
import plugin from '../index.js';
import { metrics } from './metrics.js';
import { post } from './post.js';

let meta: MetaFake;
let accessToken: string;

function harness() {
  return createHarness(plugin, {
    manifest: PluginManifestSchema.parse({ ...manifestJson, network: { hosts: [new URL(meta.url).host] } }),
    config: { baseUrl: meta.url },
    connection: {
      id: 'conn-meta',
      label: 'Brand page',
      credentials: { accessToken, pageId: meta.page.id, instagramAccountId: meta.ig.id },
    },
  });
}
const reads = () => meta.requests.filter((r) => r.method === 'GET' && r.path === '/v23.0/' && r.query.get('ids'));

let fb: string;
let ig: string;
beforeAll(async () => {
  meta = await startFake('meta');
  accessToken = meta.tokens.issue().accessToken;
  const h = harness();
  fb = (await h.run(post, { text: 'Spring sale', link: 'https://shop.example.com/sale' })).postId;
  ig = (await h.run(post, { text: 'Spring sale', mediaUrls: ['https://cdn.example.com/a.jpg'], network: 'instagram' })).postId;
  Object.assign(meta.posts.find((p) => p.id === fb)!.engagement, { impressions: 700, clicks: 21, likes: 33, shares: 4, comments: 6 });
  Object.assign(meta.posts.find((p) => p.id === ig)!.engagement, { impressions: 510, clicks: 99, likes: 48, shares: 3, comments: 9 });
});
afterAll(() => meta.close());

describe('connector-meta metrics (Graph multi-id reads against the Meta fake)', () => {
  it('reads Page post counts and insights with the Page token, Instagram media with the user token; Instagram gives no clicks', async () => {
    const r = await harness().run(metrics, { postIds: [fb, ig] });
    expect(r).toEqual({
      posts: [
        { postId: fb, impressions: 700, clicks: 21, likes: 33, shares: 4, comments: 6 },
        { postId: ig, impressions: 510, clicks: 0, likes: 48, shares: 3, comments: 9 },
      ],
      notReported: ['clicks'],
    });
    const [page, media] = reads();
    expect(page!.query.get('ids')).toBe(fb);
    expect(page!.query.get('fields')).toContain('insights.metric(post_impressions,post_clicks)');
    expect(page!.headers.authorization).toBe(`Bearer ${meta.page.accessToken}`);
    expect(media!.query.get('ids')).toBe(ig);
    expect(media!.headers.authorization).toBe(`Bearer ${accessToken}`);
  });

  it('without the insights permission the public counts still come and the answer names what was not given', async () => {
    meta.grants.insights = false;
    try {
      const r = await harness().run(metrics, { postIds: [fb] });
      expect(r).toEqual({
        posts: [{ postId: fb, impressions: 0, clicks: 0, likes: 33, shares: 4, comments: 6 }],
        notReported: ['impressions', 'clicks'],
      });
    } finally {
      meta.grants.insights = true;
    }
  });

  it('throttling is NH_CONNECTOR_RATE_LIMITED', async () => {
    meta.rateLimit(5);
    await expect(harness().run(metrics, { postIds: [ig] })).rejects.toMatchObject({ code: 'NH_CONNECTOR_RATE_LIMITED' });
    meta.faults.clear();
  });
});
