import { type SlackFake, startFake } from '@neonhub/fakes';
import { PluginManifestSchema } from '@neonhub/schemas';
import { createMemoryStore } from '@neonhub/sdk';
import { createHarness } from '@neonhub/sdk/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import manifestJson from '../../plugin.json' with { type: 'json' };
import plugin from '../index.js';
import { webhook } from '../webhook.js';
import { post } from './post.js';

let slack: SlackFake;
const manifest = PluginManifestSchema.parse(manifestJson);
const harness = (botToken = slack.token, store = createMemoryStore()) =>
  createHarness(plugin, {
    manifest,
    store,
    config: { baseUrl: `${slack.url}/api/` },
    connection: { id: 'conn-slack', label: 'Team', credentials: { botToken, channel: '#marketing' } },
  });

beforeEach(async () => {
  await slack?.close();
  slack = await startFake('slack');
});
afterAll(() => slack.close());

describe('connector-slack post (@slack/web-api against the Slack fake)', () => {
  it('posts with chat.postMessage in the default channel; messageId is <channel>:<ts>', async () => {
    const r = await harness().run(post, { text: 'Campaign *spring* is live' });
    expect(r).toMatchObject({ duplicate: false, status: 'posted', channel: 'C0MARKETNG' });
    expect(slack.sent).toMatchObject([{ channel: 'C0MARKETNG', text: 'Campaign *spring* is live' }]);
    expect(r.messageId).toBe(`C0MARKETNG:${slack.sent[0]!.ts}`);
    expect(slack.requests.at(-1)!.headers.authorization).toBe(`Bearer ${slack.token}`);
  });

  it("maps Slack's errors: invalid_auth → AUTH_FAILED, channel_not_found → REJECTED, 5xx → UNAVAILABLE", async () => {
    await expect(harness('xoxb-wrong').run(post, { text: 'hi' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_AUTH_FAILED',
      details: { providerCode: 'invalid_auth' },
    });
    await expect(harness().run(post, { text: 'hi', channel: '#nowhere' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_REJECTED',
      details: { providerCode: 'channel_not_found' },
    });
    slack.failNext(1, 503);
    await expect(harness().run(post, { text: 'hi' })).rejects.toMatchObject({ code: 'NH_CONNECTOR_UNAVAILABLE' });
  });

  it('a 429 storm is RATE_LIMITED with retryAfterMs from Retry-After (the client does not retry by itself); then one post', async () => {
    const h = harness();
    slack.rateLimit(3, 3);
    for (let i = 0; i < 3; i++)
      await expect(h.run(post, { text: 'storm' }, { idempotencyKey: 'storm' })).rejects.toMatchObject({
        code: 'NH_CONNECTOR_RATE_LIMITED',
        details: { provider: 'slack', retryAfterMs: 3000 },
      });
    expect((await h.run(post, { text: 'storm' }, { idempotencyKey: 'storm' })).duplicate).toBe(false);
    expect(slack.sent).toHaveLength(1);
  });

  it('same key posts once; after an unknown outcome the retry finds the post by its metadata in the history', async () => {
    const store = createMemoryStore();
    const h = harness(slack.token, store);
    const a = await h.run(post, { text: 'once' }, { idempotencyKey: 'k1' });
    expect(await h.run(post, { text: 'once' }, { idempotencyKey: 'k1' })).toMatchObject({ messageId: a.messageId, duplicate: true });
    expect(slack.sent).toHaveLength(1);
    // Slack took the post but the answer never came back (the record stays of unknown outcome).
    const original = slack.sent.length;
    await h.run(post, { text: 'lost' }, { idempotencyKey: 'k2' });
    const record = await store.get<Record<string, unknown>>('deliveries', 'k2');
    await store.put('deliveries', 'k2', { ...record!.value, state: 'unknown', result: undefined });
    const again = await h.run(post, { text: 'lost' }, { idempotencyKey: 'k2' });
    expect(again.duplicate).toBe(true);
    expect(slack.sent).toHaveLength(original + 1);
    expect(slack.requests.some((r) => r.path === '/api/conversations.history')).toBe(true);
  });

  it('parses a signed Events API thread reply as replied to the posted message', async () => {
    const r = await harness().run(post, { text: 'Thoughts?' });
    const [channel, ts] = r.messageId.split(':') as [string, string];
    const { headers, body } = slack.sign(slack.replyEvent(channel, ts, 'Love it'));
    const events = await webhook.parse(
      { method: 'POST', headers, body, query: {} },
      { connection: { id: 'c', label: 'c', credentials: {} }, logger: console },
    );
    expect(events).toMatchObject([{ type: 'replied', messageId: r.messageId, recipient: 'U0CUSTOMER', data: { text: 'Love it' } }]);
    expect(
      await webhook.parse(
        { method: 'POST', headers, body: JSON.stringify({ type: 'url_verification', challenge: 'x' }), query: {} },
        { connection: { id: 'c', label: 'c', credentials: {} }, logger: console },
      ),
    ).toEqual([]);
  });
});
