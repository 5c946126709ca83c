import { definePlugin } from '@neonhub/sdk';
import { metrics } from './tools/metrics.js';
import { post } from './tools/post.js';
import { posts } from './tools/posts.js';

export { type Network, NetworkSchema, type RecordedPost, RecordedPostSchema } from './post.js';

export default definePlugin({
  id: 'connector-social-sandbox',
  tools: [post, posts, metrics],
});
