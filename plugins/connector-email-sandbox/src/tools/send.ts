import { randomUUID } from 'node:crypto';
import { defineTool, deliverOnce, fingerprint } from '@neonhub/sdk';
import { z } from 'zod';
import { DEFAULT_FROM, OUTBOX, type OutboxMessage } from '../message.js';

const Address = z.email().max(320);

const input = z
  .object({
    to: z
      .union([Address, z.array(Address).min(1).max(50)])
      .describe('Recipient address, or a list of up to 50 addresses that all receive the same message.'),
    subject: z.string().trim().min(1).max(998).describe('Subject line (RFC 5322 allows up to 998 characters).'),
    text: z.string().min(1).max(200_000).optional().describe('Plain-text body. Give text, html, or both.'),
    html: z.string().min(1).max(500_000).optional().describe('HTML body. Give text, html, or both.'),
    from: Address.optional().describe('Sender address; defaults to the config `from`, then sandbox@neonhub.local.'),
    replyTo: Address.optional().describe('Reply-To address.'),
    tags: z
      .record(z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/), z.string().max(256))
      .default({})
      .describe('Provider tags (name -> value), e.g. { campaign: "spring-sale" }, kept with the message for reporting.'),
  })
  .refine((v) => v.text !== undefined || v.html !== undefined, { message: 'give a text or an html body', path: ['text'] });

const output = z.object({
  messageId: z.string(),
  /** True when this idempotency key had already recorded the message: nothing new was recorded. */
  duplicate: z.boolean(),
  status: z.literal('recorded'),
  sandbox: z.literal(true),
  to: z.array(z.string()),
  recordedAt: z.string(),
});

export const send = defineTool({
  name: 'send',
  description:
    'Sends an e-mail in sandbox mode: records the message that would be sent in the workspace outbox instead of delivering it. Idempotent: a retry with the same idempotency key records nothing new and returns the original message id with duplicate: true.',
  sideEffect: 'external',
  input,
  output,
  async run(a, ctx) {
    const configured = typeof ctx.config.from === 'string' ? ctx.config.from : undefined;
    const request = {
      from: a.from ?? configured ?? DEFAULT_FROM,
      to: Array.isArray(a.to) ? a.to : [a.to],
      subject: a.subject,
      ...(a.text !== undefined ? { text: a.text } : {}),
      ...(a.html !== undefined ? { html: a.html } : {}),
      ...(a.replyTo !== undefined ? { replyTo: a.replyTo } : {}),
      tags: a.tags,
    };
    // The "provider" here is the outbox collection; deliverOnce keeps one delivery per idempotency key.
    const { result: record, duplicate } = await deliverOnce<OutboxMessage>({
      store: ctx.store,
      key: ctx.idempotencyKey,
      request,
      send: async () => {
        const message: OutboxMessage = {
          messageId: `sandbox-email-${randomUUID()}`,
          idempotencyKey: ctx.idempotencyKey,
          ...request,
          fingerprint: fingerprint(request),
          recordedAt: new Date().toISOString(),
          sandbox: true,
        };
        if ((await ctx.store.putIf(OUTBOX, ctx.idempotencyKey, message, 0)) !== null) return message;
        // Recorded before deliveries were tracked: that message is the delivery.
        return (await ctx.store.get<OutboxMessage>(OUTBOX, ctx.idempotencyKey))!.value;
      },
    });
    ctx.logger.info({ messageId: record.messageId, duplicate, recipients: record.to.length }, 'sandbox e-mail recorded');
    return {
      messageId: record.messageId,
      duplicate,
      status: 'recorded' as const,
      sandbox: true as const,
      to: record.to,
      recordedAt: record.recordedAt,
    };
  },
});
