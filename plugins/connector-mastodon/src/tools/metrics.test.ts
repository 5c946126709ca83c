import { type MastodonFake, startFake } from '@neonhub/fakes';
import { PluginManifestSchema } from '@neonhub/schemas';
import { createHarness } from '@neonhub/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import manifestJson from '../../plugin.json' with { type: 'json' };
import plugin from '../index.js';
import { metrics } from './metrics.js';
import { post } from './post.js';

let masto: MastodonFake;
let accessToken: string;

function harness() {
  const manifest = PluginManifestSchema.parse({ ...manifestJson, network: { hosts: [new URL(masto.url).host] } });
  return createHarness(plugin, {
    manifest,
    connection: { id: 'conn-masto', label: 'Brand', credentials: { instanceUrl: masto.url, accessToken } },
  });
}

beforeAll(async () => {
  masto = await startFake('mastodon');
  accessToken = masto.tokens.issue().accessToken;
});
afterAll(() => masto.close());

describe('connector-mastodon metrics (masto against the instance fake)', () => {
  it('maps favourites, reblogs and replies; says impressions and clicks are not reported; a deleted status is left out', async () => {
    const h = harness();
    const a = await h.run(post, { text: 'Spring sale' }, { idempotencyKey: 'm-1' });
    Object.assign(masto.statuses[0]!.engagement, { likes: 12, shares: 3, comments: 4, impressions: 999, clicks: 5 });
    const r = await h.run(metrics, { postIds: [a.postId, '1234567890'] });
    expect(r).toEqual({
      posts: [{ postId: a.postId, impressions: 0, clicks: 0, likes: 12, shares: 3, comments: 4 }],
      notReported: ['impressions', 'clicks'],
    });
    const reads = masto.requests.filter((q) => q.method === 'GET' && q.path.startsWith('/api/v1/statuses/'));
    expect(reads.map((q) => q.path)).toEqual([`/api/v1/statuses/${a.postId}`, '/api/v1/statuses/1234567890']);
    expect(reads[0]!.headers.authorization).toBe(`Bearer ${accessToken}`);
  });

  it('a token without read:statuses is NH_CONNECTOR_SCOPE_MISSING naming the scope', async () => {
    masto.grants.readStatuses = false;
    try {
      await expect(harness().run(metrics, { postIds: [masto.statuses[0]!.id] })).rejects.toMatchObject({
        code: 'NH_CONNECTOR_SCOPE_MISSING',
        details: { provider: 'mastodon', scope: 'read:statuses' },
      });
    } finally {
      masto.grants.readStatuses = true;
    }
  });

  it('an invalid token is NH_CONNECTOR_AUTH_FAILED', async () => {
    masto.tokens.expireAll();
    await expect(harness().run(metrics, { postIds: ['1'] })).rejects.toMatchObject({ code: 'NH_CONNECTOR_AUTH_FAILED' });
  });
});
