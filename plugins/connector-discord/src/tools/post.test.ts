import { type DiscordFake, startFake } from '@neonhub/fakes';
import { PluginManifestSchema } from '@neonhub/schemas';
import { createHarness } from '@neonhub/sdk/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import manifestJson from '../../plugin.json' with { type: 'json' };
import plugin from '../index.js';
import { post } from './post.js';

let discord: DiscordFake;
const base = PluginManifestSchema.parse(manifestJson);
const harness = (webhookUrl = discord.connection.credentials.webhookUrl) =>
  createHarness(plugin, {
    // the plugin fetch enforces network.hosts: the fake's host:port is allowed like discord.com is
    manifest: { ...base, network: { hosts: [...base.network.hosts, new URL(discord.url).host] } },
    config: { baseUrl: discord.url },
    connection: { id: 'conn-d', label: 'Community', credentials: { webhookUrl } },
  });

beforeEach(async () => {
  await discord?.close();
  discord = await startFake('discord');
});
afterAll(() => discord.close());

describe('connector-discord post (incoming webhook over ctx.fetch against the Discord fake)', () => {
  it('posts with ?wait=true and returns the message id; a channel becomes thread_id', async () => {
    const r = await harness().run(post, { text: 'New drop **today**' });
    expect(r).toMatchObject({ duplicate: false, status: 'posted', messageId: discord.sent[0]!.id, channel: discord.channelId });
    expect(discord.requests.at(-1)!.query.get('wait')).toBe('true');
    expect(discord.requests.at(-1)!.json).toMatchObject({ content: 'New drop **today**', allowed_mentions: { parse: [] } });
    await harness().run(post, { text: 'in a thread', channel: '123456789012345678' });
    expect(discord.sent[1]).toMatchObject({ thread_id: '123456789012345678' });
  });

  it('refuses over 2,000 characters before sending; maps a bad token to AUTH_FAILED and 5xx to UNAVAILABLE', async () => {
    await expect(harness().run(post, { text: 'x'.repeat(2001) })).rejects.toMatchObject({ code: 'NH_CONNECTOR_LIMIT_EXCEEDED' });
    const wrong = discord.connection.credentials.webhookUrl.replace(/[^/]+$/, 'wrong-token');
    await expect(harness(wrong).run(post, { text: 'hi' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_AUTH_FAILED',
      details: { providerCode: 50027 },
    });
    discord.failNext(1, 500);
    await expect(harness().run(post, { text: 'hi' })).rejects.toMatchObject({ code: 'NH_CONNECTOR_UNAVAILABLE' });
    expect(discord.sent).toHaveLength(0);
  });

  it('a 429 storm is RATE_LIMITED with retryAfterMs from retry_after; then the same key posts once', async () => {
    const h = harness();
    discord.rateLimit(3, 2);
    for (let i = 0; i < 3; i++)
      await expect(h.run(post, { text: 'storm' }, { idempotencyKey: 'storm' })).rejects.toMatchObject({
        code: 'NH_CONNECTOR_RATE_LIMITED',
        details: { provider: 'discord', retryAfterMs: 2000 },
      });
    expect((await h.run(post, { text: 'storm' }, { idempotencyKey: 'storm' })).duplicate).toBe(false);
    expect((await h.run(post, { text: 'storm' }, { idempotencyKey: 'storm' })).duplicate).toBe(true);
    expect(discord.sent).toHaveLength(1);
  });

  it('the plugin fetch refuses a host the manifest does not declare', async () => {
    const h = createHarness(plugin, {
      manifest: base,
      config: { baseUrl: discord.url },
      connection: { id: 'c', label: 'c', credentials: discord.connection.credentials },
    });
    await expect(h.run(post, { text: 'hi' })).rejects.toMatchObject({ code: 'NH_SDK_HOST_NOT_ALLOWED' });
  });
});
