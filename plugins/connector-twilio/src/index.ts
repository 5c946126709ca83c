import { definePlugin } from '@neonhub/sdk';
import { send } from './tools/send.js';
import { webhook } from './webhook.js';

export default definePlugin({ id: 'connector-twilio', tools: [send], webhook });
