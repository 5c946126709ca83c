import { definePlugin } from '@neonhub/sdk';
import { metrics } from './tools/metrics.js';
import { post } from './tools/post.js';

export default definePlugin({ id: 'connector-linkedin', tools: [post, metrics] });
