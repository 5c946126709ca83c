import { SmsSendInputSchema, SmsSendOutputSchema } from '@neonhub/schemas';
import { connectorErrors, defineTool, deliverOnce, requireConnection } from '@neonhub/sdk';
import { createTwilio } from '../client.js';
import { PLUGIN_ID } from '../config.js';
import { fromTwilioError } from '../errors.js';

interface Sent {
  messageId: string;
  status: string;
  recordedAt: string;
}

export const send = defineTool({
  name: 'send',
  description:
    "Sends an SMS through Twilio (twilio client) from the connection's number or messaging service. Once per idempotency key: Twilio has no idempotency key, so a retry after an unknown outcome first looks the message up (same recipient, sender and body since the attempt) and sends only when it is not there. Delivery and STOP replies arrive later as webhook events.",
  sideEffect: 'external',
  input: SmsSendInputSchema,
  output: SmsSendOutputSchema,
  timeoutMs: 60_000,
  async run(a, ctx) {
    const connection = requireConnection(ctx, PLUGIN_ID);
    const from = connection.credentials.from;
    const service = connection.credentials.messagingServiceSid;
    if (!from && !service)
      throw connectorErrors.create(
        'NH_CONNECTOR_REJECTED',
        'the Twilio connection has neither a sender number (from) nor a messaging service SID: add one',
        {
          details: { provider: 'twilio' },
        },
      );
    const { client, http } = createTwilio(ctx, connection);
    const hooks = typeof ctx.config.hooksBaseUrl === 'string' ? ctx.config.hooksBaseUrl.replace(/\/$/, '') : undefined;
    const request = { to: a.to, body: a.body, from: from ?? null, service: service ?? null, connection: connection.id };
    const mapError = (e: unknown) => fromTwilioError(e, http.lastRetryAfter);
    const { result, duplicate } = await deliverOnce<Sent>({
      store: ctx.store,
      key: ctx.idempotencyKey,
      request,
      mapError,
      send: async () => {
        const m = await client.messages.create({
          to: a.to,
          body: a.body,
          ...(service ? { messagingServiceSid: service } : { from: from! }),
          ...(hooks ? { statusCallback: `${hooks}/hooks/${PLUGIN_ID}/${encodeURIComponent(connection.id)}` } : {}),
        });
        return { messageId: m.sid, status: m.status, recordedAt: new Date().toISOString() };
      },
      // Twilio has no idempotency key: find a message to this number with this body sent since the attempt began.
      lookup: async (record) => {
        const since = Date.parse(record.attemptAt) - 60_000;
        const page = await client.messages.list({ to: a.to, ...(from ? { from } : {}), limit: 50 });
        const hit = page.find((m) => m.body === a.body && (m.dateCreated ? m.dateCreated.getTime() >= since : true));
        return hit ? { messageId: hit.sid, status: hit.status, recordedAt: new Date().toISOString() } : undefined;
      },
    });
    ctx.logger.info({ messageId: result.messageId, duplicate }, 'sms sent through twilio');
    return { ...result, duplicate, to: a.to };
  },
});
