import { definePlugin } from '@neonhub/sdk';
import { outbox } from './tools/outbox.js';
import { send } from './tools/send.js';

export { type OutboxMessage, OutboxMessageSchema } from './message.js';

export default definePlugin({
  id: 'connector-email-sandbox',
  tools: [send, outbox],
});
