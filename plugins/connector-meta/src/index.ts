import { definePlugin } from '@neonhub/sdk';
import { metrics } from './tools/metrics.js';
import { post } from './tools/post.js';
import { webhook } from './webhook.js';

export default definePlugin({ id: 'connector-meta', tools: [post, metrics], webhook });
