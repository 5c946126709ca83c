import { definePlugin } from '@neonhub/sdk';
import { createPaymentLink } from './tools/create-payment-link.js';
import { webhook } from './webhook.js';

export default definePlugin({ id: 'connector-stripe', tools: [createPaymentLink], webhook });
