import { Resend } from 'resend';
import { Webhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFake } from './registry.js';
import { type ResendFake, startResendFake } from './resend.js';

let fake: ResendFake;
let resend: Resend;
beforeAll(async () => {
  fake = await startResendFake();
  resend = new Resend(fake.apiKey, { baseUrl: fake.url });
});
afterAll(() => fake.close());

const email = { from: 'News <news@example.com>', to: ['ann@example.com'], subject: 'Hello', text: 'Hi Ann' };

describe('resend fake (driven by the official resend client)', () => {
  it('accepts an e-mail and serves it back', async () => {
    const { data, error } = await resend.emails.send(email);
    expect(error).toBeNull();
    expect(fake.sent.at(-1)).toMatchObject({ id: data!.id, to: ['ann@example.com'], subject: 'Hello', text: 'Hi Ann' });
    const got = await resend.emails.get(data!.id);
    expect(got.data).toMatchObject({ object: 'email', id: data!.id, from: 'News <news@example.com>' });
    expect(fake.requests.at(-2)?.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
  });

  it('answers a repeated Idempotency-Key with the first id and a changed payload with 409', async () => {
    const before = fake.sent.length;
    const a = await resend.emails.send(email, { idempotencyKey: 'key-1' });
    const b = await resend.emails.send(email, { idempotencyKey: 'key-1' });
    expect(b.data?.id).toBe(a.data?.id);
    expect(fake.sent.length).toBe(before + 1);
    const c = await resend.emails.send({ ...email, subject: 'Other' }, { idempotencyKey: 'key-1' });
    expect(c.error).toMatchObject({ statusCode: 409, name: 'invalid_idempotent_request' });
  });

  it("refuses bad keys, bad input, and injects 429s and failures in Resend's shapes", async () => {
    const bad = new Resend('re_wrong', { baseUrl: fake.url });
    expect((await bad.emails.send(email)).error).toMatchObject({ statusCode: 403, name: 'invalid_api_key' });
    expect((await resend.emails.send({ ...email, to: ['not-an-address'] })).error).toMatchObject({
      statusCode: 422,
      name: 'validation_error',
    });
    fake.rateLimit(1, 3);
    const limited = await resend.emails.send(email);
    expect(limited.error).toMatchObject({ statusCode: 429, name: 'rate_limit_exceeded' });
    expect(limited.headers?.['retry-after']).toBe('3');
    fake.failNext(1, 503);
    expect((await resend.emails.send(email)).error).toMatchObject({ statusCode: 503, name: 'application_error' });
    expect((await resend.emails.send(email)).error).toBeNull();
  });

  it('signs webhooks with the Svix scheme', () => {
    const { headers, body } = fake.sign(fake.event('email.delivered', fake.sent[0]!.id));
    const verified = new Webhook(fake.webhookSecret).verify(body, headers) as { type: string; data: { email_id: string } };
    expect(verified).toMatchObject({ type: 'email.delivered', data: { email_id: fake.sent[0]!.id } });
    expect(() => new Webhook(fake.webhookSecret).verify(body.replace('delivered', 'bounced'), headers)).toThrow();
  });

  it('is in the registry', async () => {
    const f = await startFake('resend');
    expect(f.connection).toMatchObject({ plugin: 'connector-resend', config: { baseUrl: f.url } });
    await f.close();
  });
});
