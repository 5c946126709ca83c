import { type ResendFake, startFake } from '@neonhub/fakes';
import { PluginManifestSchema } from '@neonhub/schemas';
import { createHarness } from '@neonhub/sdk/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import manifestJson from '../../plugin.json' with { type: 'json' };
import plugin from '../index.js';
import { send } from './send.js';

let resend: ResendFake;
const manifest = PluginManifestSchema.parse(manifestJson);
const harness = (apiKey = resend.apiKey) =>
  createHarness(plugin, {
    manifest,
    config: { baseUrl: resend.url },
    connection: { id: 'conn-1', label: 'Brand mail', credentials: { apiKey, from: 'news@mail.example.com' } },
  });
const message = { to: 'ada@example.com', subject: 'Spring sale', text: 'Hi Ada, 30% off this week.', tags: { campaign: 'spring sale' } };

beforeEach(async () => {
  await resend?.close();
  resend = await startFake('resend');
});
afterAll(() => resend.close());

describe('connector-resend send (the resend client against the Resend fake)', () => {
  it("sends through Resend's API with the key, the connection's sender and Resend-safe tags", async () => {
    const r = await harness().run(send, { ...message, html: '<p>Hi Ada</p>', replyTo: 'help@example.com' });
    expect(r).toMatchObject({ duplicate: false, status: 'sent', sandbox: false, to: ['ada@example.com'] });
    expect(resend.sent).toHaveLength(1);
    expect(resend.sent[0]).toMatchObject({
      id: r.messageId,
      from: 'news@mail.example.com',
      to: ['ada@example.com'],
      subject: 'Spring sale',
      text: 'Hi Ada, 30% off this week.',
      html: '<p>Hi Ada</p>',
      reply_to: ['help@example.com'],
      tags: [{ name: 'campaign', value: 'spring_sale' }],
    });
    const req = resend.requests.at(-1)!;
    expect(req.headers.authorization).toBe(`Bearer ${resend.apiKey}`);
    expect(req.headers['idempotency-key']).toBeDefined();
  });

  it('the same idempotency key sends once (recorded here, and Resend deduplicates the key too)', async () => {
    const h = harness();
    const first = await h.run(send, message, { idempotencyKey: 'campaign-1/ada' });
    const second = await h.run(send, message, { idempotencyKey: 'campaign-1/ada' });
    expect(second).toMatchObject({ messageId: first.messageId, duplicate: true });
    expect(resend.sent).toHaveLength(1);
    await expect(h.run(send, { ...message, subject: 'Other' }, { idempotencyKey: 'campaign-1/ada' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_IDEMPOTENCY_CONFLICT',
    });
    expect(resend.sent).toHaveLength(1);
  });

  it('a lost answer (Resend accepted, the client saw a 5xx) is retried with the same Idempotency-Key: one e-mail', async () => {
    const h = harness();
    resend.failNext(1, 502);
    await expect(h.run(send, message, { idempotencyKey: 'k-lost' })).rejects.toMatchObject({ code: 'NH_CONNECTOR_UNAVAILABLE' });
    const r = await h.run(send, message, { idempotencyKey: 'k-lost' });
    expect(r.duplicate).toBe(false);
    expect(resend.sent).toHaveLength(1);
    const keys = resend.requests.filter((q) => q.path === '/emails').map((q) => q.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(1);
  });

  it("maps Resend's refusals: invalid key → AUTH_FAILED, bad recipient → REJECTED, with Resend's code", async () => {
    await expect(harness('re_wrong').run(send, message)).rejects.toMatchObject({
      code: 'NH_CONNECTOR_AUTH_FAILED',
      details: { provider: 'resend', status: 403, providerCode: 'invalid_api_key' },
    });
    resend.failNext(1, 422);
    await expect(harness().run(send, message)).rejects.toMatchObject({
      code: 'NH_CONNECTOR_REJECTED',
      details: { provider: 'resend', status: 422, providerCode: 'validation_error' },
    });
    expect(resend.sent).toHaveLength(0);
  });

  it('a 429 storm is RATE_LIMITED with retryAfterMs from Retry-After each time; then the same key sends once', async () => {
    const h = harness();
    resend.rateLimit(3, 2);
    for (let i = 0; i < 3; i++)
      await expect(h.run(send, message, { idempotencyKey: 'storm' })).rejects.toMatchObject({
        code: 'NH_CONNECTOR_RATE_LIMITED',
        details: { provider: 'resend', status: 429, retryAfterMs: 2000 },
      });
    expect(resend.sent).toHaveLength(0);
    expect((await h.run(send, message, { idempotencyKey: 'storm' })).duplicate).toBe(false);
    expect((await h.run(send, message, { idempotencyKey: 'storm' })).duplicate).toBe(true);
    expect(resend.sent).toHaveLength(1);
  });

  it('without a connection it is NOT_CONNECTED; without any sender it is REJECTED before a request', async () => {
    await expect(createHarness(plugin, { manifest, config: { baseUrl: resend.url } }).run(send, message)).rejects.toMatchObject({
      code: 'NH_CONNECTOR_NOT_CONNECTED',
    });
    const noSender = createHarness(plugin, {
      manifest,
      config: { baseUrl: resend.url },
      connection: { id: 'c', label: 'c', credentials: { apiKey: resend.apiKey } },
    });
    await expect(noSender.run(send, message)).rejects.toMatchObject({ code: 'NH_CONNECTOR_REJECTED' });
    expect(resend.requests).toHaveLength(0);
  });
});
