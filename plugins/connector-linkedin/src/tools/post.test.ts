import { type LinkedInFake, PNG_1X1, startFake } from '@neonhub/fakes';
import { PluginManifestSchema } from '@neonhub/schemas';
import { createHarness } from '@neonhub/sdk/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import manifestJson from '../../plugin.json' with { type: 'json' };
import plugin from '../index.js';
import { post } from './post.js';

let li: LinkedInFake;
let tokens: { accessToken: string; refreshToken: string };
const png = `data:image/png;base64,${PNG_1X1.toString('base64')}`;

function harness(accessToken = tokens.accessToken, account: { id?: string } | null = { id: li.member.sub }) {
  return createHarness(plugin, {
    manifest: PluginManifestSchema.parse({ ...manifestJson, network: { hosts: [new URL(li.url).host] } }),
    config: { baseUrl: li.url },
    connection: { id: 'conn-li', label: 'Member', credentials: { accessToken }, ...(account ? { account } : {}) },
  });
}
const creates = () => li.requests.filter((r) => r.method === 'POST' && r.path === '/rest/posts');

beforeEach(async () => {
  await li?.close();
  li = await startFake('linkedin');
  tokens = li.tokens.issue();
});
afterAll(() => li.close());

describe('connector-linkedin post (linkedin-api-client against the LinkedIn fake)', () => {
  it('uploads the image through the Images API and publishes the post with LinkedIn-Version, little-text escaped', async () => {
    const r = await harness(tokens.accessToken, null).run(post, {
      text: 'Spring sale (50% off) #deals',
      link: 'https://shop.example.com/sale',
      mediaUrls: [png],
    });
    expect(r).toMatchObject({ duplicate: false, status: 'published' });
    expect(r.postId).toMatch(/^urn:li:share:\d+$/);
    expect(r.url).toBe(`https://www.linkedin.com/feed/update/${r.postId}/`);
    const p = li.posts[0]!;
    expect(p.author).toBe(`urn:li:person:${li.member.sub}`);
    expect(p.commentary).toBe('Spring sale \\(50% off\\) \\#deals\n\nhttps://shop.example.com/sale');
    expect(p.imageUrns).toHaveLength(1);
    expect(li.images.get(p.imageUrns[0]!)!.bytes!.equals(PNG_1X1)).toBe(true);
    const create = creates()[0]!;
    expect(create.headers['linkedin-version']).toBe('202510');
    expect(create.headers['x-restli-protocol-version']).toBe('2.0.0');
    expect(create.headers.authorization).toBe(`Bearer ${tokens.accessToken}`);
    expect(li.requests.map((q) => q.path)).toEqual([
      '/v2/userinfo',
      '/rest/images',
      expect.stringMatching(/^\/dms-uploads\//),
      '/rest/posts',
    ]);
  });

  it('two images make a multi-image post', async () => {
    await harness().run(post, { text: 'Two pictures', mediaUrls: [png, png] });
    expect(li.posts[0]!.imageUrns).toHaveLength(2);
  });

  it("maps LinkedIn's 422 to NH_CONNECTOR_REJECTED with its code, its throttle (no Retry-After) to RATE_LIMITED, an expired token to AUTH_FAILED", async () => {
    li.faults.add(
      { status: 422, json: { status: 422, code: 'UNPROCESSABLE_ENTITY', message: 'ERROR :: /commentary :: duplicate' } },
      { match: (q) => q.path === '/rest/posts' },
    );
    await expect(harness().run(post, { text: 'hi' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_REJECTED',
      details: { provider: 'linkedin', status: 422, providerCode: 'UNPROCESSABLE_ENTITY' },
    });
    li.rateLimit(2);
    for (let i = 0; i < 2; i++) {
      await expect(harness().run(post, { text: 'storm' }, { idempotencyKey: 's' })).rejects.toMatchObject({
        code: 'NH_CONNECTOR_RATE_LIMITED',
        details: { status: 429, retryAfterMs: 60_000 },
      });
    }
    await harness().run(post, { text: 'storm' }, { idempotencyKey: 's' });
    expect(li.posts.map((p) => p.commentary)).toEqual(['storm']);

    li.tokens.expireAll();
    await expect(harness().run(post, { text: 'later' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_AUTH_FAILED',
      details: { status: 401, providerCode: 'EXPIRED_ACCESS_TOKEN' },
    });
    const res = await fetch(`${li.url}/oauth/v2/accessToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refreshToken,
        client_id: li.clientId,
        client_secret: li.clientSecret,
      }),
    });
    const fresh = (await res.json()) as { access_token: string };
    await harness(fresh.access_token).run(post, { text: 'later' });
    expect(li.posts.map((p) => p.commentary)).toEqual(['storm', 'later']);
  });

  it('the same idempotency key publishes once; a retry after a lost answer finds the post among the author posts', async () => {
    const h = harness();
    const a = await h.run(post, { text: 'Once only' }, { idempotencyKey: 'k1' });
    expect(await h.run(post, { text: 'Once only' }, { idempotencyKey: 'k1' })).toEqual({ ...a, duplicate: true });
    expect(creates()).toHaveLength(1);
    li.loseAnswers(1);
    await expect(h.run(post, { text: 'Lost (answer)' }, { idempotencyKey: 'k2' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_UNAVAILABLE',
      details: { status: 504 },
    });
    const retry = await h.run(post, { text: 'Lost (answer)' }, { idempotencyKey: 'k2' });
    expect(retry.duplicate).toBe(true);
    expect(li.posts.filter((p) => p.commentary === 'Lost \\(answer\\)').map((p) => p.urn)).toEqual([retry.postId]);
    expect(creates()).toHaveLength(2);
  });

  it('refuses commentary over 3000 characters, an 11 MB image and a TIFF before any request', async () => {
    const h = harness();
    await expect(h.run(post, { text: 'a'.repeat(3001) })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_LIMIT_EXCEEDED',
      details: { limit: 'textLength', max: 3000 },
    });
    const big = `data:image/png;base64,${Buffer.alloc(11 * 1024 * 1024).toString('base64')}`;
    await expect(h.run(post, { text: 'big', mediaUrls: [big] })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_LIMIT_EXCEEDED',
      details: { limit: 'mediaBytes' },
    });
    await expect(h.run(post, { text: 'tiff', mediaUrls: ['data:image/tiff;base64,AAAA'] })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_LIMIT_EXCEEDED',
      details: { limit: 'mediaType' },
    });
    expect(li.requests).toHaveLength(0);
  });
});
