import { type MetaFake, PNG_1X1, startFake } from '@neonhub/fakes';
import { ConnectorEventSchema, PluginManifestSchema } from '@neonhub/schemas';
import { createHarness } from '@neonhub/sdk/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import manifestJson from '../../plugin.json' with { type: 'json' };
import plugin from '../index.js';
import { post } from './post.js';

let meta: MetaFake;
let tokens: { accessToken: string; refreshToken: string };
const png = `data:image/png;base64,${PNG_1X1.toString('base64')}`;

function harness(accessToken = tokens.accessToken) {
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
const writes = () => meta.requests.filter((r) => r.method === 'POST');

beforeEach(async () => {
  await meta?.close();
  meta = await startFake('meta');
  tokens = meta.tokens.issue();
});
afterAll(() => meta.close());

describe('connector-meta post (Graph API through ctx.fetch against the Meta fake)', () => {
  it('publishes on the Page with the Page token: a link post, a photo uploaded as bytes, two photos as attached media', async () => {
    const h = harness();
    const a = await h.run(post, { text: 'Spring sale', link: 'https://shop.example.com/sale' });
    expect(a).toMatchObject({ duplicate: false, status: 'published', url: `https://www.facebook.com/${a.postId}` });
    expect(a.postId).toMatch(new RegExp(`^${meta.page.id}_\\d+$`));
    const feed = meta.requests.find((r) => r.path === `/v23.0/${meta.page.id}/feed`)!;
    expect(feed.form.get('link')).toBe('https://shop.example.com/sale');
    expect(feed.headers.authorization).toBe(`Bearer ${meta.page.accessToken}`);

    const b = await h.run(post, { text: 'One photo', mediaUrls: [png] });
    expect(meta.posts.find((p) => p.id === b.postId)).toMatchObject({ text: 'One photo', uploads: 1 });
    const c = await h.run(post, { text: 'Two photos', mediaUrls: ['https://cdn.example.com/a.jpg', 'https://cdn.example.com/b.jpg'] });
    expect(meta.posts.find((p) => p.id === c.postId)).toMatchObject({
      imageUrls: ['https://cdn.example.com/a.jpg', 'https://cdn.example.com/b.jpg'],
    });
  });

  it('publishes on Instagram: one image (container, media_publish, permalink) and a carousel', async () => {
    const h = harness();
    const one = await h.run(post, { network: 'instagram', text: 'New drop #spring', mediaUrls: ['https://cdn.example.com/drop.jpg'] });
    expect(one).toMatchObject({ duplicate: false, url: `https://www.instagram.com/p/${one.postId}/` });
    const carousel = await h.run(post, {
      network: 'instagram',
      text: 'Lookbook',
      mediaUrls: ['https://cdn.example.com/1.jpg', 'https://cdn.example.com/2.jpg', 'https://cdn.example.com/3.jpg'],
    });
    expect(meta.posts.find((p) => p.id === carousel.postId)).toMatchObject({
      network: 'instagram',
      text: 'Lookbook',
      imageUrls: ['https://cdn.example.com/1.jpg', 'https://cdn.example.com/2.jpg', 'https://cdn.example.com/3.jpg'],
    });
    expect(
      meta.requests
        .filter((r) => r.path === `/v23.0/${meta.ig.id}/media`)
        .map((r) => r.form.get('is_carousel_item') ?? r.form.get('media_type')),
    ).toEqual([null, 'true', 'true', 'true', 'CAROUSEL']);
  });

  it('refuses before any request: Instagram without an image, with a PNG, over 2200 characters or 30 hashtags; Facebook with 11 photos', async () => {
    const h = harness();
    const refused = async (input: unknown, limit: string) => {
      await expect(h.call('post', input)).rejects.toMatchObject({ code: 'NH_CONNECTOR_LIMIT_EXCEEDED', details: { limit } });
    };
    await refused({ network: 'instagram', text: 'no picture' }, 'mediaRequired');
    await refused({ network: 'instagram', text: 'png', mediaUrls: ['https://cdn.example.com/a.png'] }, 'mediaType');
    await refused({ network: 'instagram', text: 'data', mediaUrls: [png] }, 'mediaUrl');
    await refused({ network: 'instagram', text: 'a'.repeat(2201), mediaUrls: ['https://cdn.example.com/a.jpg'] }, 'textLength');
    await refused(
      {
        network: 'instagram',
        text: Array.from({ length: 31 }, (_, i) => `#t${i}`).join(' '),
        mediaUrls: ['https://cdn.example.com/a.jpg'],
      },
      'hashtags',
    );
    await refused({ network: 'facebook', text: 'many', mediaUrls: Array(11).fill('https://cdn.example.com/a.jpg') }, 'mediaCount');
    expect(meta.requests).toHaveLength(0);
  });

  it('maps Graph errors: a throttle (code 32) to RATE_LIMITED with the regain time, an expired token (190/463) to AUTH_FAILED, a refusal to REJECTED', async () => {
    const h = harness();
    meta.rateLimit(3);
    for (let i = 0; i < 3; i++) {
      await expect(h.run(post, { text: 'storm' }, { idempotencyKey: 's' })).rejects.toMatchObject({
        code: 'NH_CONNECTOR_RATE_LIMITED',
        details: { provider: 'meta', providerCode: 32, retryAfterMs: 60_000 },
      });
    }
    await h.run(post, { text: 'storm' }, { idempotencyKey: 's' });
    expect(meta.posts.map((p) => p.text)).toEqual(['storm']);

    meta.faults.add(
      { status: 400, json: { error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100, fbtrace_id: 'x' } } },
      { match: (r) => r.method === 'POST' },
    );
    await expect(h.run(post, { text: 'bad' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_REJECTED',
      details: { status: 400, providerCode: 100 },
    });

    meta.tokens.expireAll();
    await expect(
      harness().run(post, { network: 'instagram', text: 'x', mediaUrls: ['https://cdn.example.com/a.jpg'] }),
    ).rejects.toMatchObject({
      code: 'NH_CONNECTOR_AUTH_FAILED',
      details: { providerCode: '190/463' },
    });
  });

  it('the same idempotency key publishes once; a retry after a lost answer finds the post in the Page feed / Instagram media', async () => {
    const h = harness();
    const a = await h.run(post, { text: 'Once only' }, { idempotencyKey: 'k1' });
    expect(await h.run(post, { text: 'Once only' }, { idempotencyKey: 'k1' })).toEqual({ ...a, duplicate: true });
    meta.loseAnswers(1);
    await expect(h.run(post, { text: 'Lost answer' }, { idempotencyKey: 'k2' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_UNAVAILABLE',
    });
    const retry = await h.run(post, { text: 'Lost answer' }, { idempotencyKey: 'k2' });
    expect(retry.duplicate).toBe(true);
    meta.loseAnswers(1);
    const ig = { network: 'instagram', text: 'IG lost', mediaUrls: ['https://cdn.example.com/a.jpg'] };
    await expect(h.run(post, ig, { idempotencyKey: 'k3' })).rejects.toMatchObject({ code: 'NH_CONNECTOR_UNAVAILABLE' });
    const igRetry = await h.run(post, ig, { idempotencyKey: 'k3' });
    expect(igRetry.duplicate).toBe(true);
    expect(meta.posts.map((p) => p.text)).toEqual(['Once only', 'Lost answer', 'IG lost']);
    expect(writes().filter((r) => r.path.endsWith('/feed') || r.path.endsWith('/media_publish'))).toHaveLength(3);
  });

  it('parses Page and Instagram comment webhooks (real shapes, signed with X-Hub-Signature-256) into replied events', async () => {
    const body = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: meta.page.id,
          time: 1767225600,
          changes: [
            {
              field: 'feed',
              value: {
                from: { id: '2468', name: 'Ana' },
                item: 'comment',
                comment_id: `${meta.page.id}_1_99`,
                post_id: `${meta.page.id}_1`,
                verb: 'add',
                created_time: 1767225600,
                message: 'Love it',
              },
            },
            { field: 'feed', value: { item: 'reaction', verb: 'add', post_id: `${meta.page.id}_1`, reaction_type: 'like' } },
          ],
        },
      ],
    });
    const headers = meta.sign(body);
    expect(headers['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    const connection = { id: 'conn-meta', label: 'Brand page', credentials: {} };
    const events = await plugin.webhook!.parse({ method: 'POST', headers, body, query: {} }, { connection, logger });
    expect(events).toEqual([
      {
        id: `${meta.page.id}_1_99`,
        type: 'replied',
        messageId: `${meta.page.id}_1`,
        recipient: '2468',
        occurredAt: '2026-01-01T00:00:00.000Z',
        data: { network: 'facebook', pageId: meta.page.id, from: 'Ana', message: 'Love it' },
      },
    ]);
    const igBody = JSON.stringify({
      object: 'instagram',
      entry: [
        {
          id: meta.ig.id,
          time: 1767225660,
          changes: [
            {
              field: 'comments',
              value: {
                from: { id: '1357', username: 'fan' },
                media: { id: '1790', media_product_type: 'FEED' },
                id: '1791',
                text: 'Where to buy?',
              },
            },
          ],
        },
      ],
    });
    const ig = await plugin.webhook!.parse({ method: 'POST', headers: meta.sign(igBody), body: igBody, query: {} }, { connection, logger });
    expect(ig.map((e) => [e.id, e.type, e.messageId, e.recipient])).toEqual([['1791', 'replied', '1790', 'fan']]);
    for (const e of [...events, ...ig]) ConnectorEventSchema.parse(e);
  });
});
