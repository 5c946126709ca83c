import { type MastodonFake, PNG_1X1, startFake } from '@neonhub/fakes';
import { PluginManifestSchema } from '@neonhub/schemas';
import { createHarness } from '@neonhub/sdk/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import manifestJson from '../../plugin.json' with { type: 'json' };
import plugin from '../index.js';
import { post } from './post.js';

let masto: MastodonFake;
let tokens: { accessToken: string; refreshToken: string };
const png = `data:image/png;base64,${PNG_1X1.toString('base64')}`;

function harness(accessToken = tokens.accessToken, hosts = [new URL(masto.url).host]) {
  const manifest = PluginManifestSchema.parse({ ...manifestJson, network: { hosts } });
  return createHarness(plugin, {
    manifest,
    connection: { id: 'conn-masto', label: 'Brand', credentials: { instanceUrl: masto.url, accessToken } },
  });
}
const statusPosts = () => masto.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses');

beforeEach(async () => {
  await masto?.close();
  masto = await startFake('mastodon');
  tokens = masto.tokens.issue();
});
afterAll(() => masto.close());

describe('connector-mastodon post (masto against the instance fake)', () => {
  it('publishes a status with an image, sent with the idempotency key', async () => {
    const r = await harness().run(
      post,
      { text: 'Spring sale', link: 'https://shop.example.com/sale', mediaUrls: [png] },
      { idempotencyKey: 'k-img' },
    );
    expect(r).toMatchObject({ duplicate: false, status: 'published', url: `${masto.url}/@neonhub/${r.postId}` });
    expect(masto.statuses).toHaveLength(1);
    expect(masto.statuses[0]).toMatchObject({ text: 'Spring sale\n\nhttps://shop.example.com/sale', idempotencyKey: 'k-img' });
    expect(masto.statuses[0]!.mediaIds).toHaveLength(1);
    const upload = masto.requests.find((q) => q.path === '/api/v2/media')!;
    expect(upload.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(upload.body.includes(PNG_1X1)).toBe(true);
    expect(statusPosts()[0]!.headers.authorization).toBe(`Bearer ${tokens.accessToken}`);
  });

  it("maps the instance's 422 to NH_CONNECTOR_REJECTED; an instance the manifest does not declare is refused before masto runs", async () => {
    masto.faults.add(
      { status: 422, json: { error: 'Validation failed: Media attachments are invalid' } },
      { match: (q) => q.path === '/api/v1/statuses' },
    );
    await expect(harness().run(post, { text: 'hi' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_REJECTED',
      details: { provider: 'mastodon', status: 422 },
      message: expect.stringContaining('Media attachments are invalid'),
    });
    const before = masto.requests.length;
    await expect(harness(tokens.accessToken, ['mastodon.social']).run(post, { text: 'hi' })).rejects.toMatchObject({
      code: 'NH_SDK_HOST_NOT_ALLOWED',
    });
    expect(masto.requests.length).toBe(before);
  });

  it('a 429 storm is NH_CONNECTOR_RATE_LIMITED with retryAfterMs from X-RateLimit-Reset, then the same key publishes once', async () => {
    const h = harness();
    masto.rateLimit(2);
    for (let i = 0; i < 2; i++) {
      const err = await h.run(post, { text: 'Flash sale' }, { idempotencyKey: 'storm' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'NH_CONNECTOR_RATE_LIMITED', details: { status: 429 } });
      const wait = (err as { details: { retryAfterMs: number } }).details.retryAfterMs;
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(3000);
    }
    await h.run(post, { text: 'Flash sale' }, { idempotencyKey: 'storm' });
    expect(masto.statuses).toHaveLength(1);
  });

  it('an expired token is NH_CONNECTOR_AUTH_FAILED (the host refreshes at /oauth/token); the refreshed token posts', async () => {
    masto.tokens.expireAll();
    await expect(harness().run(post, { text: 'After refresh' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_AUTH_FAILED',
      details: { status: 401 },
    });
    const res = await fetch(`${masto.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken, client_id: 'c', client_secret: 's' }),
    });
    const fresh = (await res.json()) as { access_token: string };
    await harness(fresh.access_token).run(post, { text: 'After refresh' });
    expect(masto.statuses.map((s) => s.text)).toEqual(['After refresh']);
  });

  it("the same idempotency key publishes once: a retry after a lost answer is deduplicated by Mastodon's Idempotency-Key", async () => {
    const h = harness();
    const a = await h.run(post, { text: 'Once only' }, { idempotencyKey: 'k1' });
    expect(await h.run(post, { text: 'Once only' }, { idempotencyKey: 'k1' })).toEqual({ ...a, duplicate: true });
    expect(statusPosts()).toHaveLength(1);
    // The first attempt reached the instance but its answer was lost (a 502 from a proxy after the write).
    masto.loseAnswers(1);
    await expect(h.run(post, { text: 'Lost answer' }, { idempotencyKey: 'k2' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_UNAVAILABLE',
    });
    const retry = await h.run(post, { text: 'Lost answer' }, { idempotencyKey: 'k2' });
    expect(masto.statuses.filter((s) => s.text === 'Lost answer').map((s) => s.id)).toEqual([retry.postId]);
    expect(statusPosts()).toHaveLength(3);
  });

  it("refuses a status over the instance's limit and a fifth image before posting; a long URL counts 23", async () => {
    const h = harness();
    await expect(h.run(post, { text: 'a'.repeat(501) })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_LIMIT_EXCEEDED',
      details: { limit: 'textLength', max: 500, actual: 501 },
    });
    await expect(h.run(post, { text: 'pics', mediaUrls: [png, png, png, png, png] })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_LIMIT_EXCEEDED',
      details: { limit: 'mediaCount', max: 4 },
    });
    expect(masto.requests.map((q) => q.path)).toEqual(['/api/v2/instance', '/api/v2/instance']);
    await h.run(post, { text: `${'b'.repeat(470)} https://example.com/${'p'.repeat(100)}` });
    expect(masto.statuses).toHaveLength(1);
  });
});
