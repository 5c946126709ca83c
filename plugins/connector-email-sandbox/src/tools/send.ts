import { randomUUID } from 'node:crypto';
import { ConnectorEventSchema, EmailMessageSchema, requireEmailBody } from '@neonhub/schemas';
import { defineTool, deliverOnce, fingerprint } from '@neonhub/sdk';
import { z } from 'zod';
import { ConfigSchema } from '../config.js';
import { DELIVER_ONLY, simulatedEvents } from '../engagement.js';
import { DEFAULT_FROM, OUTBOX, type OutboxMessage } from '../message.js';

const input = requireEmailBody(
  EmailMessageSchema.extend({
    from: EmailMessageSchema.shape.from.describe('Sender address; defaults to the config `from`, then sandbox@neonhub.local.'),
    tags: EmailMessageSchema.shape.tags.describe(
      'Provider tags (name -> value), e.g. { campaign: "spring-sale" }, kept with the message for reporting.',
    ),
  }),
);

const output = z.object({
  messageId: z.string(),
  /** True when this idempotency key had already recorded the message: nothing new was recorded. */
  duplicate: z.boolean(),
  status: z.literal('recorded'),
  sandbox: z.literal(true),
  to: z.array(z.string()),
  recordedAt: z.string(),
  /**
   * What a real provider's webhooks would report about this message (delivered or bounced, opened, clicked,
   * unsubscribed), simulated and seeded by the message id; the host stores them like webhook events.
   */
  events: z.array(ConnectorEventSchema),
});

export const send = defineTool({
  name: 'send',
  description:
    'Sends an e-mail in sandbox mode: records the message that would be sent in the workspace outbox instead of delivering it, and reports the provider events a real service would (delivered or bounced, opened, clicked, unsubscribed), simulated deterministically from the message id. Idempotent: a retry with the same idempotency key records nothing new and returns the original message id with duplicate: true.',
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
    const rates = ConfigSchema.safeParse(ctx.config).data?.engagement ?? DELIVER_ONLY;
    return {
      messageId: record.messageId,
      duplicate,
      status: 'recorded' as const,
      sandbox: true as const,
      to: record.to,
      recordedAt: record.recordedAt,
      events: simulatedEvents(record.messageId, record.to, record.recordedAt, rates),
    };
  },
});
