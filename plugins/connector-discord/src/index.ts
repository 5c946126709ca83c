import { definePlugin } from '@neonhub/sdk';
import { post } from './tools/post.js';

export default definePlugin({ id: 'connector-discord', tools: [post] });
