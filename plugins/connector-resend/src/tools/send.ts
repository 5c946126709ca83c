import { createHash } from 'node:crypto';
import { EmailSendInputSchema, EmailSendOutputSchema } from '@neonhub/schemas';
import { connectorErrors, credential, defineTool, deliverOnce, requireConnection } from '@neonhub/sdk';
import { type CreateEmailOptions, Resend } from 'resend';
import { PLUGIN_ID } from '../config.js';
import { fromResendError } from '../errors.js';

/** Resend takes tag names and values of ASCII letters, digits, _ and - only. */
const tagValue = (v: string) => v.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256);
/** Resend's Idempotency-Key is at most 256 characters: longer keys are hashed (still one per logical call). */
const providerKey = (key: string) => (key.length <= 256 ? key : `sha256-${createHash('sha256').update(key).digest('hex')}`);

export const send = defineTool({
  name: 'send',
  description:
    "Sends an e-mail through Resend as the connected account (API key). Idempotent: the call's idempotency key goes to Resend as its Idempotency-Key header and is recorded here, so a retry returns the original message id with duplicate: true and never sends twice. Delivery, bounces, complaints, opens and clicks arrive later as webhook events.",
  sideEffect: 'external',
  input: EmailSendInputSchema,
  output: EmailSendOutputSchema,
  timeoutMs: 60_000,
  async run(a, ctx) {
    const connection = requireConnection(ctx, PLUGIN_ID);
    const apiKey = credential(connection, 'apiKey', PLUGIN_ID);
    const from = a.from ?? connection.credentials.from ?? (typeof ctx.config.from === 'string' ? ctx.config.from : undefined);
    if (!from)
      throw connectorErrors.create(
        'NH_CONNECTOR_REJECTED',
        'no sender: give `from`, or set the connection sender or the plugin config `from`',
        {
          details: { provider: 'resend' },
        },
      );
    const request = {
      from,
      to: Array.isArray(a.to) ? a.to : [a.to],
      subject: a.subject,
      ...(a.text !== undefined ? { text: a.text } : {}),
      ...(a.html !== undefined ? { html: a.html } : {}),
      ...(a.replyTo !== undefined ? { replyTo: a.replyTo } : {}),
      tags: a.tags,
      connection: connection.id,
    };
    const baseUrl = typeof ctx.config.baseUrl === 'string' ? ctx.config.baseUrl.replace(/\/$/, '') : undefined;
    const resend = new Resend(apiKey, baseUrl ? { baseUrl } : undefined);
    const { result, duplicate } = await deliverOnce({
      store: ctx.store,
      key: ctx.idempotencyKey,
      request,
      send: async () => {
        const payload = {
          from: request.from,
          to: request.to,
          subject: request.subject,
          ...(a.html !== undefined ? { html: a.html } : {}),
          ...(a.text !== undefined ? { text: a.text } : {}),
          ...(a.replyTo !== undefined ? { replyTo: a.replyTo } : {}),
          tags: Object.entries(a.tags).map(([name, value]) => ({ name, value: tagValue(value) })),
        } as CreateEmailOptions;
        const { data, error, headers } = await resend.emails.send(payload, { idempotencyKey: providerKey(ctx.idempotencyKey) });
        if (error || !data) throw fromResendError(error ?? { statusCode: null, name: 'application_error', message: 'no answer' }, headers);
        return { messageId: data.id, recordedAt: new Date().toISOString() };
      },
    });
    ctx.logger.info({ messageId: result.messageId, duplicate, recipients: request.to.length }, 'e-mail sent through resend');
    return { ...result, duplicate, status: 'sent' as const, sandbox: false as const, to: request.to };
  },
});
