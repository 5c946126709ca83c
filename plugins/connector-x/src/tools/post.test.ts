import { type FakeHttpServer, PNG_1X1, serveFake, startFake, type XFake } from '@neonhub/fakes';
import { PluginManifestSchema } from '@neonhub/schemas';
import { createHarness } from '@neonhub/sdk/testing';
import { TwitterApi } from 'twitter-api-v2';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import manifestJson from '../../plugin.json' with { type: 'json' };
import plugin from '../index.js';
import { fetchTransport } from '../transport.js';
import { post } from './post.js';

let x: XFake;
let cdn: FakeHttpServer;
let tokens: { accessToken: string; refreshToken: string };
const png = `data:image/png;base64,${PNG_1X1.toString('base64')}`;

function harness(accessToken = tokens.accessToken) {
  const manifest = PluginManifestSchema.parse({ ...manifestJson, network: { hosts: [new URL(x.url).host, new URL(cdn.url).host] } });
  return createHarness(plugin, {
    manifest,
    config: { baseUrl: x.url },
    connection: { id: 'conn-x', label: 'Brand X', credentials: { accessToken, tokenType: 'bearer' }, account: { id: x.user.id } },
  });
}
const tweets = () => x.requests.filter((r) => r.method === 'POST' && r.path === '/2/tweets');

beforeEach(async () => {
  await x?.close();
  await cdn?.close();
  x = await startFake('x');
  cdn = await serveFake((r) => (r.path === '/sale.png' ? { headers: { 'content-type': 'image/png' }, body: PNG_1X1 } : { status: 404 }));
  tokens = x.tokens.issue();
});
afterAll(async () => {
  await x.close();
  await cdn.close();
});

describe('connector-x post (twitter-api-v2 against the X fake)', () => {
  it('publishes a post with two images through the chunked media upload', async () => {
    const r = await harness().run(post, {
      text: 'Spring sale starts Monday',
      link: 'https://shop.example.com/sale',
      mediaUrls: [png, `${cdn.url}/sale.png`],
    });
    expect(r).toMatchObject({ duplicate: false, status: 'published' });
    expect(r.url).toBe(`https://x.com/i/web/status/${r.postId}`);
    expect(x.posts).toHaveLength(1);
    expect(x.posts[0]).toMatchObject({ id: r.postId, text: 'Spring sale starts Monday\n\nhttps://shop.example.com/sale' });
    expect(x.posts[0]!.mediaIds).toHaveLength(2);
    const paths = x.requests.map((q) => q.path.replace(/\d{10,}/, ':id'));
    expect(paths).toEqual([
      '/2/media/upload/initialize',
      '/2/media/upload/:id/append',
      '/2/media/upload/:id/finalize',
      '/2/media/upload/initialize',
      '/2/media/upload/:id/append',
      '/2/media/upload/:id/finalize',
      '/2/tweets',
    ]);
    expect(tweets()[0]!.headers.authorization).toBe(`Bearer ${tokens.accessToken}`);
  });

  it("maps X's refusal to NH_CONNECTOR_REJECTED with X's code and message", async () => {
    const h = harness();
    await h.run(post, { text: 'Same words twice' });
    const err = await h.run(post, { text: 'Same words twice' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NH_CONNECTOR_REJECTED', details: { provider: 'x', status: 403, providerCode: 'Forbidden' } });
    expect((err as Error).message).toContain('duplicate content');
  });

  it('a 429 storm is NH_CONNECTOR_RATE_LIMITED with retryAfterMs from x-rate-limit-reset, then the same key publishes once', async () => {
    const h = harness();
    x.rateLimit(3);
    for (let i = 0; i < 3; i++) {
      const err = await h.run(post, { text: 'Flash sale' }, { idempotencyKey: 'storm' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'NH_CONNECTOR_RATE_LIMITED', details: { provider: 'x', status: 429 } });
      const wait = (err as { details: { retryAfterMs: number } }).details.retryAfterMs;
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(3000);
    }
    const ok = await h.run(post, { text: 'Flash sale' }, { idempotencyKey: 'storm' });
    expect(ok.duplicate).toBe(false);
    expect(x.posts).toHaveLength(1);
    // A 429 is a refusal (nothing was posted): the retries needed no timeline lookup.
    expect(x.requests.filter((r) => r.method === 'GET')).toHaveLength(0);
  });

  it('an expired token is NH_CONNECTOR_AUTH_FAILED; refreshed with the refresh token (the library at the token endpoint), the post goes out', async () => {
    x.tokens.expireAll();
    await expect(harness().run(post, { text: 'After refresh' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_AUTH_FAILED',
      details: { status: 401 },
    });
    expect(x.posts).toHaveLength(0);
    const app = new TwitterApi(
      { clientId: x.clientId, clientSecret: x.clientSecret },
      { plugins: [fetchTransport(fetch, { baseUrl: x.url })] },
    );
    const fresh = await app.refreshOAuth2Token(tokens.refreshToken);
    expect(fresh.refreshToken).not.toBe(tokens.refreshToken);
    const r = await harness(fresh.accessToken).run(post, { text: 'After refresh' });
    expect(x.posts.map((p) => p.id)).toEqual([r.postId]);
  });

  it('the same idempotency key publishes once; a retry after an unknown outcome finds the post instead of posting again', async () => {
    const h = harness();
    const a = await h.run(post, { text: 'Once only' }, { idempotencyKey: 'k1' });
    const b = await h.run(post, { text: 'Once only' }, { idempotencyKey: 'k1' });
    expect(b).toEqual({ ...a, duplicate: true });
    expect(tweets()).toHaveLength(1);

    x.loseAnswers(1);
    await expect(h.run(post, { text: 'Lost answer' }, { idempotencyKey: 'k2' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_UNAVAILABLE',
    });
    const retry = await h.run(post, { text: 'Lost answer' }, { idempotencyKey: 'k2' });
    expect(retry.duplicate).toBe(true);
    expect(x.posts.filter((p) => p.text === 'Lost answer').map((p) => p.id)).toEqual([retry.postId]);
    expect(tweets()).toHaveLength(2);
    await expect(h.run(post, { text: 'Another text' }, { idempotencyKey: 'k1' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_IDEMPOTENCY_CONFLICT',
    });
  });

  it('refuses text over 280 weighted characters, a fifth image and a 6 MB image before any request', async () => {
    const h = harness();
    await expect(h.run(post, { text: 'a'.repeat(281) })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_LIMIT_EXCEEDED',
      details: { limit: 'textLength', max: 280, actual: 281 },
    });
    // CJK counts 2: 141 characters weigh 282.
    await expect(h.run(post, { text: '日'.repeat(141) })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_LIMIT_EXCEEDED',
      details: { actual: 282 },
    });
    await expect(h.run(post, { text: 'pics', mediaUrls: [png, png, png, png, png] })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_LIMIT_EXCEEDED',
      details: { limit: 'mediaCount' },
    });
    const big = `data:image/png;base64,${Buffer.alloc(6 * 1024 * 1024).toString('base64')}`;
    await expect(h.run(post, { text: 'big', mediaUrls: [big] })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_LIMIT_EXCEEDED',
      details: { limit: 'mediaBytes' },
    });
    // A long URL still counts 23: fits.
    await h.run(post, { text: `${'b'.repeat(250)} https://example.com/${'p'.repeat(200)}` });
    expect(x.requests.map((r) => r.path)).toEqual(['/2/tweets']);
  });

  it('without a connected account it is NH_CONNECTOR_NOT_CONNECTED', async () => {
    const h = createHarness(plugin, { config: { baseUrl: x.url } });
    await expect(h.run(post, { text: 'hi' })).rejects.toMatchObject({ code: 'NH_CONNECTOR_NOT_CONNECTED' });
  });
});
