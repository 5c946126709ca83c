import { definePlugin } from '@neonhub/sdk';
import { post } from './tools/post.js';
import { webhook } from './webhook.js';

export default definePlugin({ id: 'connector-slack', tools: [post], webhook });
