import { type BlueskyFake, PNG_1X1, startFake } from '@neonhub/fakes';
import { PluginManifestSchema } from '@neonhub/schemas';
import { createHarness } from '@neonhub/sdk/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import manifestJson from '../../plugin.json' with { type: 'json' };
import { forgetAgents } from '../client.js';
import plugin from '../index.js';
import { post } from './post.js';

let bsky: BlueskyFake;
const png = `data:image/png;base64,${PNG_1X1.toString('base64')}`;

function harness(appPassword = bsky.account.appPassword) {
  const manifest = PluginManifestSchema.parse({ ...manifestJson, network: { hosts: [new URL(bsky.url).host] } });
  return createHarness(plugin, {
    manifest,
    config: { baseUrl: bsky.url },
    connection: { id: 'conn-bsky', label: 'Brand', credentials: { identifier: bsky.account.handle, appPassword } },
  });
}
const calls = (nsid: string) => bsky.requests.filter((r) => r.path === `/xrpc/${nsid}`);

beforeEach(async () => {
  await bsky?.close();
  forgetAgents();
  bsky = await startFake('bluesky');
});
afterAll(() => bsky.close());

describe('connector-bluesky post (@atproto/api against the PDS fake)', () => {
  it('publishes a post with an image blob, a link facet and a resolved mention', async () => {
    const r = await harness().run(post, {
      text: 'Spring sale with @alice.bsky.social',
      link: 'https://shop.example.com/sale',
      mediaUrls: [png],
    });
    expect(r).toMatchObject({ duplicate: false, status: 'published' });
    expect(r.postId).toMatch(/^at:\/\/did:plc:neonhubtest1234567890abc\/app\.bsky\.feed\.post\/[2-7a-z]{13}$/);
    expect(r.url).toBe(`https://bsky.app/profile/neonhub.bsky.social/post/${r.postId.split('/').pop()}`);
    const { record } = bsky.posts[0]!;
    expect(record.text).toBe('Spring sale with @alice.bsky.social\n\nhttps://shop.example.com/sale');
    const features = record.facets!.flatMap((f) => f.features);
    expect(features).toContainEqual({ $type: 'app.bsky.richtext.facet#link', uri: 'https://shop.example.com/sale' });
    expect(features).toContainEqual({ $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:alice000000000000000000' });
    const link = record.facets!.find((f) => f.features[0]!.$type === 'app.bsky.richtext.facet#link')!;
    expect(Buffer.from(record.text).subarray(link.index.byteStart, link.index.byteEnd).toString()).toBe('https://shop.example.com/sale');
    expect(record.embed).toMatchObject({
      $type: 'app.bsky.embed.images',
      images: [{ image: { mimeType: 'image/png', size: PNG_1X1.length } }],
    });
    expect(calls('com.atproto.repo.uploadBlob')[0]!.body.equals(PNG_1X1)).toBe(true);
  });

  it('a wrong app password is NH_CONNECTOR_AUTH_FAILED; a refused record is NH_CONNECTOR_REJECTED with the XRPC error', async () => {
    await expect(harness('wrong-pass-word-xxxx').run(post, { text: 'hi' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_AUTH_FAILED',
      details: { provider: 'bluesky', status: 401, providerCode: 'AuthenticationRequired' },
    });
    bsky.faults.add(
      { status: 400, json: { error: 'InvalidRequest', message: 'Invalid app.bsky.feed.post record' } },
      { match: (r) => r.path.endsWith('createRecord') },
    );
    await expect(harness().run(post, { text: 'hi' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_REJECTED',
      details: { status: 400, providerCode: 'InvalidRequest' },
    });
  });

  it('a 429 storm is NH_CONNECTOR_RATE_LIMITED with retryAfterMs from ratelimit-reset, then the same key publishes once', async () => {
    const h = harness();
    bsky.rateLimit(2);
    for (let i = 0; i < 2; i++) {
      const err = await h.run(post, { text: 'Flash sale' }, { idempotencyKey: 'storm' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'NH_CONNECTOR_RATE_LIMITED', details: { status: 429, providerCode: 'RateLimitExceeded' } });
      const wait = (err as { details: { retryAfterMs: number } }).details.retryAfterMs;
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(3000);
    }
    await h.run(post, { text: 'Flash sale' }, { idempotencyKey: 'storm' });
    expect(bsky.posts).toHaveLength(1);
  });

  it('an expired access JWT is refreshed by the library with the refresh JWT, and the post goes out once', async () => {
    bsky.expireNextSession();
    const r = await harness().run(post, { text: 'After refresh' });
    expect(calls('com.atproto.server.refreshSession')).toHaveLength(1);
    expect(bsky.posts.map((p) => p.uri)).toEqual([r.postId]);
  });

  it('the same idempotency key publishes once; a retry after a lost answer finds the record instead of posting again', async () => {
    const h = harness();
    const a = await h.run(post, { text: 'Once only' }, { idempotencyKey: 'k1' });
    expect(await h.run(post, { text: 'Once only' }, { idempotencyKey: 'k1' })).toEqual({ ...a, duplicate: true });
    expect(calls('com.atproto.repo.createRecord')).toHaveLength(1);
    bsky.loseAnswers(1);
    await expect(h.run(post, { text: 'Lost answer' }, { idempotencyKey: 'k2' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_UNAVAILABLE',
    });
    const retry = await h.run(post, { text: 'Lost answer' }, { idempotencyKey: 'k2' });
    expect(retry.duplicate).toBe(true);
    expect(bsky.posts.filter((p) => p.record.text === 'Lost answer').map((p) => p.uri)).toEqual([retry.postId]);
    expect(calls('com.atproto.repo.createRecord')).toHaveLength(2);
  });

  it('refuses 301 graphemes, a fifth image and a 1.5 MB image before any request; 300 emoji graphemes fit', async () => {
    const h = harness();
    await expect(h.run(post, { text: 'a'.repeat(301) })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_LIMIT_EXCEEDED',
      details: { limit: 'textLength', max: 300, actual: 301 },
    });
    await expect(h.run(post, { text: 'pics', mediaUrls: [png, png, png, png, png] })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_LIMIT_EXCEEDED',
      details: { limit: 'mediaCount' },
    });
    const big = `data:image/png;base64,${Buffer.alloc(1_500_000).toString('base64')}`;
    await expect(h.run(post, { text: 'big', mediaUrls: [big] })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_LIMIT_EXCEEDED',
      details: { limit: 'mediaBytes' },
    });
    expect(bsky.requests).toHaveLength(0);
    await h.run(post, { text: '👩‍👩‍👧'.repeat(300) });
    expect(bsky.posts).toHaveLength(1);
  });
});
