import { type SmtpFake, startFake } from '@neonhub/fakes';
import { PluginManifestSchema } from '@neonhub/schemas';
import { createHarness } from '@neonhub/sdk/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import manifestJson from '../../plugin.json' with { type: 'json' };
import plugin from '../index.js';
import { send } from './send.js';

let smtp: SmtpFake;
const manifest = PluginManifestSchema.parse(manifestJson);
const harness = (url = smtp.url) =>
  createHarness(plugin, {
    manifest,
    connection: { id: 'conn-mail', label: 'Mail', credentials: { url, from: 'News <news@example.com>'.replace(/.*<|>/g, '') } },
  });
const message = {
  to: ['ada@example.com', 'bob@example.com'],
  subject: 'Spring sale ✿',
  text: 'Hi, 30% off.',
  html: '<p>Hi, <b>30%</b> off.</p>',
  replyTo: 'help@example.com',
  tags: { campaign: 'spring' },
};

beforeEach(async () => {
  await smtp?.close();
  smtp = await startFake('smtp');
});
afterAll(() => smtp.close());

describe('connector-smtp send (nodemailer to a real SMTP server, the message parsed with mailparser)', () => {
  it('delivers one message to every recipient, authenticated, with text, html, reply-to and tag headers', async () => {
    const r = await harness().run(send, message, { idempotencyKey: 'camp-1' });
    expect(r).toMatchObject({ duplicate: false, status: 'sent', sandbox: false, to: message.to });
    expect(smtp.sent).toHaveLength(1);
    const [m] = smtp.sent;
    expect(m!.user).toBe(smtp.user);
    expect(m!.envelope).toEqual({ from: 'news@example.com', to: ['ada@example.com', 'bob@example.com'] });
    expect(m!.parsed.subject).toBe('Spring sale ✿');
    expect(m!.parsed.text?.trim()).toBe('Hi, 30% off.');
    expect(m!.parsed.html).toContain('<b>30%</b>');
    expect(m!.parsed.replyTo?.text).toBe('help@example.com');
    expect(m!.parsed.headers.get('x-neonhub-tag-campaign')).toBe('spring');
    expect(m!.parsed.messageId).toBe(r.messageId);
  });

  it('same key sends once (and the Message-ID is derived from the key); a changed message under it is a conflict', async () => {
    const h = harness();
    const a = await h.run(send, message, { idempotencyKey: 'k' });
    expect(await h.run(send, message, { idempotencyKey: 'k' })).toMatchObject({ messageId: a.messageId, duplicate: true });
    await expect(h.run(send, { ...message, subject: 'Other' }, { idempotencyKey: 'k' })).rejects.toMatchObject({
      code: 'NH_CONNECTOR_IDEMPOTENCY_CONFLICT',
    });
    expect(smtp.sent).toHaveLength(1);
  });

  it('maps SMTP replies: 535 → AUTH_FAILED, 550 → REJECTED, 421 storm → RATE_LIMITED then one delivery', async () => {
    await expect(harness(smtp.url.replace(smtp.pass, 'wrong')).run(send, message)).rejects.toMatchObject({
      code: 'NH_CONNECTOR_AUTH_FAILED',
      details: { provider: 'smtp' },
    });
    smtp.failNext(1, 550, 'Mailbox unavailable');
    await expect(harness().run(send, message)).rejects.toMatchObject({ code: 'NH_CONNECTOR_REJECTED', details: { providerCode: 550 } });
    const h = harness();
    smtp.rateLimit(3);
    for (let i = 0; i < 3; i++)
      await expect(h.run(send, message, { idempotencyKey: 'storm' })).rejects.toMatchObject({
        code: 'NH_CONNECTOR_RATE_LIMITED',
        details: { retryAfterMs: 30_000, providerCode: 421 },
      });
    expect((await h.run(send, message, { idempotencyKey: 'storm' })).duplicate).toBe(false);
    expect(smtp.sent).toHaveLength(1);
  });

  it('an unreachable server is UNAVAILABLE', async () => {
    await smtp.close();
    await expect(harness().run(send, message)).rejects.toMatchObject({ code: 'NH_CONNECTOR_UNAVAILABLE' });
    smtp = await startFake('smtp');
  });
});
