import { definePlugin } from '@neonhub/sdk';
import { send } from './tools/send.js';

export default definePlugin({ id: 'connector-smtp', tools: [send] });
