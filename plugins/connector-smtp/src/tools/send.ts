import { createHash } from 'node:crypto';
import { EmailSendInputSchema, EmailSendOutputSchema } from '@neonhub/schemas';
import { connectorErrors, credential, defineTool, deliverOnce, requireConnection } from '@neonhub/sdk';
import nodemailer from 'nodemailer';
import { PLUGIN_ID } from '../config.js';
import { fromSmtpError } from '../errors.js';

export const send = defineTool({
  name: 'send',
  description:
    "Sends an e-mail through the connection's SMTP server with nodemailer (Gmail, Outlook/Microsoft 365, Amazon SES, any SMTP relay). Once per idempotency key: recorded here, and the Message-ID is derived from the key so a receiving server can drop a copy; SMTP has no lookup, so a retry after an unknown outcome (connection lost after DATA) may deliver twice.",
  sideEffect: 'external',
  input: EmailSendInputSchema,
  output: EmailSendOutputSchema,
  timeoutMs: 120_000,
  async run(a, ctx) {
    const connection = requireConnection(ctx, PLUGIN_ID);
    const url = credential(connection, 'url', PLUGIN_ID);
    const from = a.from ?? connection.credentials.from ?? (typeof ctx.config.from === 'string' ? ctx.config.from : undefined);
    if (!from)
      throw connectorErrors.create(
        'NH_CONNECTOR_REJECTED',
        'no sender: give `from`, or set the connection sender or the plugin config `from`',
        {
          details: { provider: 'smtp' },
        },
      );
    const to = Array.isArray(a.to) ? a.to : [a.to];
    const host = (() => {
      try {
        return new URL(url).hostname || 'neonhub.local';
      } catch {
        return 'neonhub.local';
      }
    })();
    const messageId = `<${createHash('sha256').update(`${connection.id}/${ctx.idempotencyKey}`).digest('hex').slice(0, 32)}@${from.split('@')[1] ?? host}>`;
    const transport = nodemailer.createTransport(url);
    try {
      const { result, duplicate } = await deliverOnce({
        store: ctx.store,
        key: ctx.idempotencyKey,
        request: {
          from,
          to,
          subject: a.subject,
          text: a.text ?? null,
          html: a.html ?? null,
          replyTo: a.replyTo ?? null,
          tags: a.tags,
          connection: connection.id,
        },
        mapError: fromSmtpError,
        send: async () => {
          const info = await transport.sendMail({
            from,
            to,
            subject: a.subject,
            messageId,
            ...(a.text !== undefined ? { text: a.text } : {}),
            ...(a.html !== undefined ? { html: a.html } : {}),
            ...(a.replyTo !== undefined ? { replyTo: a.replyTo } : {}),
            headers: Object.fromEntries(Object.entries(a.tags).map(([k, v]) => [`X-NeonHub-Tag-${k}`, v])),
          });
          if (info.rejected.length > 0 && info.accepted.length === 0)
            throw connectorErrors.create('NH_CONNECTOR_REJECTED', `the SMTP server refused every recipient: ${info.response}`, {
              details: { provider: 'smtp' },
            });
          return { messageId: info.messageId, recordedAt: new Date().toISOString() };
        },
      });
      ctx.logger.info({ messageId: result.messageId, duplicate, recipients: to.length }, 'e-mail sent over smtp');
      return { ...result, duplicate, status: 'sent' as const, sandbox: false as const, to };
    } finally {
      transport.close();
    }
  },
});
