import { serveFake, startFake, type TwilioFake } from '@neonhub/fakes';
import { PluginManifestSchema } from '@neonhub/schemas';
import { createHarness } from '@neonhub/sdk/testing';
import twilio from 'twilio';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import manifestJson from '../../plugin.json' with { type: 'json' };
import plugin from '../index.js';
import { webhook } from '../webhook.js';
import { send } from './send.js';

let tw: TwilioFake;
const manifest = PluginManifestSchema.parse(manifestJson);
const harness = (authToken = tw.authToken, config: Record<string, unknown> = {}) =>
  createHarness(plugin, {
    manifest,
    config: { baseUrl: tw.url, ...config },
    connection: { id: 'conn-sms', label: 'Store SMS', credentials: { accountSid: tw.accountSid, authToken, from: tw.from } },
  });
const sms = { to: '+14155550123', body: 'Spring sale: 30% off this week. Reply STOP to opt out.' };

beforeEach(async () => {
  await tw?.close();
  tw = await startFake('twilio');
});
afterAll(() => tw.close());

describe('connector-twilio send (the twilio client against the Twilio fake)', () => {
  it('sends an SMS with HTTP Basic credentials, form encoded like Twilio', async () => {
    const r = await harness().run(send, sms);
    expect(r).toMatchObject({ duplicate: false, status: 'queued', to: '+14155550123' });
    expect(r.messageId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(tw.sent).toMatchObject([{ sid: r.messageId, to: sms.to, from: tw.from, body: sms.body }]);
    const req = tw.requests.at(-1)!;
    expect(req.path).toBe(`/2010-04-01/Accounts/${tw.accountSid}/Messages.json`);
    expect(req.form.get('Body')).toBe(sms.body);
  });

  it('maps Twilio errors: a bad number is REJECTED with code 21211, a wrong token AUTH_FAILED', async () => {
    await expect(harness().run(send, { ...sms, to: '+1555' })).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
    tw.failNext(1, 400);
    await expect(harness().run(send, sms)).rejects.toMatchObject({
      code: 'NH_CONNECTOR_REJECTED',
      details: { provider: 'twilio', status: 400, providerCode: 21610 },
    });
    await expect(harness('wrong-token').run(send, sms)).rejects.toMatchObject({
      code: 'NH_CONNECTOR_AUTH_FAILED',
      details: { status: 401, providerCode: 20003 },
    });
    expect(tw.sent).toHaveLength(0);
  });

  it('a 429 storm is RATE_LIMITED with retryAfterMs from Retry-After; then the same key sends once', async () => {
    const h = harness();
    tw.rateLimit(3, 4);
    for (let i = 0; i < 3; i++)
      await expect(h.run(send, sms, { idempotencyKey: 'storm' })).rejects.toMatchObject({
        code: 'NH_CONNECTOR_RATE_LIMITED',
        details: { provider: 'twilio', retryAfterMs: 4000 },
      });
    expect((await h.run(send, sms, { idempotencyKey: 'storm' })).duplicate).toBe(false);
    expect(tw.sent).toHaveLength(1);
  });

  it('same key sends once; after a lost answer the retry finds the message (lookup) instead of sending again', async () => {
    const h = harness();
    const a = await h.run(send, sms, { idempotencyKey: 'k1' });
    expect(await h.run(send, sms, { idempotencyKey: 'k1' })).toMatchObject({ messageId: a.messageId, duplicate: true });
    tw.loseAnswers(1);
    await expect(h.run(send, sms, { idempotencyKey: 'k2' })).rejects.toMatchObject({ code: 'NH_CONNECTOR_UNAVAILABLE' });
    expect(tw.sent).toHaveLength(2);
    const retried = await h.run(send, sms, { idempotencyKey: 'k2' });
    expect(retried).toMatchObject({ messageId: tw.sent[1]!.sid, duplicate: true });
    expect(tw.sent).toHaveLength(2);
    expect(tw.requests.some((r) => r.method === 'GET' && r.query.get('To') === sms.to)).toBe(true);
  });
});

describe('connector-twilio webhooks (signed by Twilio’s scheme)', () => {
  it('status callbacks become delivered events; a STOP reply becomes unsubscribed, another reply replied', async () => {
    const got: Array<{ url: string; headers: Record<string, string>; body: string }> = [];
    const receiver = await serveFake((r) => {
      got.push({ url: r.path, headers: r.headers, body: r.body.toString('utf8') });
      return { status: 204 };
    });
    const h = harness(tw.authToken, { hooksBaseUrl: receiver.url });
    const r = await h.run(send, sms);
    await expect.poll(() => got.length).toBe(2);
    const hookUrl = `${receiver.url}/hooks/connector-twilio/conn-sms`;
    expect(got[0]!.url).toBe('/hooks/connector-twilio/conn-sms');
    for (const g of got)
      expect(
        twilio.validateRequest(tw.authToken, g.headers['x-twilio-signature']!, hookUrl, Object.fromEntries(new URLSearchParams(g.body))),
      ).toBe(true);
    const ctx = { connection: { id: 'conn-sms', label: 'x', credentials: {} }, logger: console };
    const events = (
      await Promise.all(got.map((g) => webhook.parse({ method: 'POST', headers: g.headers, body: g.body, query: {} }, ctx)))
    ).flat();
    expect(events).toMatchObject([{ type: 'delivered', messageId: r.messageId, recipient: sms.to, data: { status: 'delivered' } }]);

    await tw.inbound(hookUrl, '+14155550123', 'stop');
    await tw.inbound(hookUrl, '+14155550123', 'When does the sale end?');
    const inbound = (
      await Promise.all(got.slice(2).map((g) => webhook.parse({ method: 'POST', headers: g.headers, body: g.body, query: {} }, ctx)))
    ).flat();
    expect(inbound).toMatchObject([
      { type: 'unsubscribed', recipient: '+14155550123', data: { keyword: 'STOP' } },
      { type: 'replied', recipient: '+14155550123', data: { text: 'When does the sale end?' } },
    ]);
    expect(new Set([...events, ...inbound].map((e) => e.id)).size).toBe(3);
    await receiver.close();
  });
});
