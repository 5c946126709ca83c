import { definePlugin } from '@neonhub/sdk';
import { post } from './tools/post.js';
import { webhook } from './webhook.js';

export default definePlugin({ id: 'connector-meta', tools: [post], webhook });
