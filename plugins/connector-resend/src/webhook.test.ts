import { type ResendFake, startFake } from '@neonhub/fakes';
import { Webhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhook } from './webhook.js';

let resend: ResendFake;
beforeAll(async () => {
  resend = await startFake('resend');
});
afterAll(() => resend.close());

const connection = { id: 'c', label: 'c', credentials: {} };
const logger = { debug() {}, info() {}, warn() {}, error() {} };

function request(payload: unknown) {
  const { headers, body } = resend.sign(payload);
  // What the host hands parse(): a request whose Svix signature verified.
  new Webhook(resend.webhookSecret).verify(body, headers);
  return { method: 'POST', headers, body, query: {} };
}

describe('connector-resend webhook.parse (Resend-shaped, Svix-signed events)', () => {
  it('maps delivered, bounced, complained, opened and clicked; the event id is svix-id', async () => {
    const emailId = '4ef9a417-02e9-4d39-ad75-9611e0fcc33c';
    const delivered = request(resend.event('email.delivered', emailId, { to: ['Ada@Example.com'] }));
    expect(await webhook.parse(delivered, { connection, logger })).toEqual([
      {
        id: delivered.headers['svix-id'],
        type: 'delivered',
        messageId: emailId,
        recipient: 'ada@example.com',
        occurredAt: expect.any(String),
        data: {},
      },
    ]);
    const bounced = request(
      resend.event('email.bounced', emailId, {
        to: ['ada@example.com'],
        bounce: { message: 'mailbox does not exist', type: 'Permanent', subType: 'General' },
      }),
    );
    expect(await webhook.parse(bounced, { connection, logger })).toMatchObject([
      { type: 'bounced', data: { bounce: { type: 'Permanent', message: 'mailbox does not exist' } } },
    ]);
    const clicked = request(
      resend.event('email.clicked', emailId, {
        to: ['ada@example.com'],
        click: { link: 'https://example.com/sale', timestamp: '2026-12-06T10:00:00Z' },
      }),
    );
    expect(await webhook.parse(clicked, { connection, logger })).toMatchObject([
      { type: 'clicked', data: { url: 'https://example.com/sale' } },
    ]);
    for (const [t, want] of [
      ['email.complained', 'complained'],
      ['email.opened', 'opened'],
      ['email.failed', 'failed'],
    ] as const)
      expect(await webhook.parse(request(resend.event(t, emailId, { to: ['ada@example.com'] })), { connection, logger })).toMatchObject([
        { type: want },
      ]);
  });

  it('ignores email.sent and email.delivery_delayed, and non-JSON bodies', async () => {
    expect(await webhook.parse(request(resend.event('email.sent', 'x', { to: ['a@example.com'] })), { connection, logger })).toEqual([]);
    expect(await webhook.parse(request(resend.event('email.delivery_delayed', 'x')), { connection, logger })).toEqual([]);
    expect(await webhook.parse({ method: 'POST', headers: {}, body: 'nope', query: {} }, { connection, logger })).toEqual([]);
  });

  it('the fake delivers signed webhooks to a URL after a send, like Resend', async () => {
    const got: Array<{ headers: Record<string, string>; body: string }> = [];
    const { serveFake } = await import('@neonhub/fakes');
    const receiver = await serveFake((r) => {
      got.push({ headers: r.headers, body: r.body.toString('utf8') });
      return { status: 200 };
    });
    const f = await startFake('resend', { webhookUrl: `${receiver.url}/hooks/connector-resend/c` });
    const { Resend } = await import('resend');
    await new Resend(f.apiKey, { baseUrl: f.url }).emails.send({
      from: 'a@example.com',
      to: 'bounced@resend.dev',
      subject: 's',
      text: 't',
    });
    await expect.poll(() => got.length).toBe(2);
    const events = got.map((g) => webhook.parse({ method: 'POST', headers: g.headers, body: g.body, query: {} }, { connection, logger }));
    expect((await Promise.all(events)).flat().map((e) => e.type)).toEqual(['bounced']);
    for (const g of got) expect(() => new Webhook(f.webhookSecret).verify(g.body, g.headers)).not.toThrow();
    await f.close();
    await receiver.close();
  });
});
