import { type LinkedInFake, startFake } from '@neonhub/fakes';
import { PluginManifestSchema } from '@neonhub/schemas';
import { createHarness } from '@neonhub/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import manifestJson from '../../plugin.json' with { type: 'json' };
import plugin from '../index.js';
import { metrics } from './metrics.js';
import { post } from './post.js';

let li: LinkedInFake;
let accessToken: string;
const ORG = 'urn:li:organization:2414183';

function harness(organizationUrn?: string) {
  return createHarness(plugin, {
    manifest: PluginManifestSchema.parse({ ...manifestJson, network: { hosts: [new URL(li.url).host] } }),
    config: { baseUrl: li.url },
    connection: {
      id: 'conn-li',
      label: 'Brand',
      credentials: { accessToken, ...(organizationUrn ? { organizationUrn } : {}) },
      account: { id: li.member.sub },
    },
  });
}

beforeAll(async () => {
  li = await startFake('linkedin');
  accessToken = li.tokens.issue().accessToken;
});
afterAll(() => li.close());

describe('connector-linkedin metrics (linkedin-api-client against the LinkedIn fake)', () => {
  it("a member's posts: socialActions BATCH_GET gives likes and comments; impressions, clicks, shares not reported", async () => {
    const h = harness();
    const a = await h.run(post, { text: 'Member post' });
    Object.assign(li.posts.find((p) => p.urn === a.postId)!.engagement, { likes: 14, comments: 2, shares: 9, impressions: 400 });
    const r = await h.run(metrics, { postIds: [a.postId, 'urn:li:share:1'] });
    expect(r).toEqual({
      posts: [{ postId: a.postId, impressions: 0, clicks: 0, likes: 14, shares: 0, comments: 2 }],
      notReported: ['impressions', 'clicks', 'shares'],
    });
    const q = li.requests.at(-1)!;
    expect(q.path).toBe('/rest/socialActions');
    expect(q.headers['x-restli-method']).toBe('batch_get');
    expect(q.headers['linkedin-version']).toBe('202510');
  });

  it("an organization's posts: organizationalEntityShareStatistics gives every metric", async () => {
    const h = harness(ORG);
    const a = await h.run(post, { text: 'Page post' });
    Object.assign(li.posts.find((p) => p.urn === a.postId)!.engagement, {
      impressions: 1200,
      clicks: 40,
      likes: 30,
      shares: 6,
      comments: 5,
    });
    const r = await h.run(metrics, { postIds: [a.postId] });
    expect(r).toEqual({ posts: [{ postId: a.postId, impressions: 1200, clicks: 40, likes: 30, shares: 6, comments: 5 }] });
    const q = li.requests.at(-1)!;
    expect(q.path).toBe('/rest/organizationalEntityShareStatistics');
    expect(q.query.get('organizationalEntity')).toBe(ORG);
    expect(q.query.get('shares')).toBe(`List(${a.postId})`);
  });

  it('a missing permission is NH_CONNECTOR_SCOPE_MISSING naming it', async () => {
    li.grants.memberSocial = false;
    li.grants.organizationAdmin = false;
    try {
      await expect(harness().run(metrics, { postIds: ['urn:li:share:1'] })).rejects.toMatchObject({
        code: 'NH_CONNECTOR_SCOPE_MISSING',
        details: { provider: 'linkedin', scope: 'r_member_social' },
      });
      await expect(harness(ORG).run(metrics, { postIds: ['urn:li:share:1'] })).rejects.toMatchObject({
        code: 'NH_CONNECTOR_SCOPE_MISSING',
        details: { provider: 'linkedin', scope: 'rw_organization_admin' },
      });
    } finally {
      li.grants.memberSocial = true;
      li.grants.organizationAdmin = true;
    }
  });
});
