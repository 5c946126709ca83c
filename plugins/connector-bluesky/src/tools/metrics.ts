import { SocialMetricsInputSchema, SocialMetricsOutputSchema, type SocialPostMetrics } from '@neonhub/schemas';
import { defineTool, metricsAnswer, postMetrics, requireConnection } from '@neonhub/sdk';
import { blueskyAgent, PLUGIN_ID } from '../client.js';
import { toConnectorError } from '../errors.js';

/** app.bsky.feed.getPosts takes at most 25 uris a call. */
const PAGE = 25;

export const metrics = defineTool({
  name: 'metrics',
  description:
    "Reads the totals of the connected account's posts (app.bsky.feed.getPosts: likes, reposts + quotes, replies), 25 a request. Bluesky does not give impressions or link clicks: the answer says so (notReported). A deleted post is left out.",
  sideEffect: 'read',
  input: SocialMetricsInputSchema,
  output: SocialMetricsOutputSchema,
  timeoutMs: 120_000,
  async run(a, ctx) {
    const connection = requireConnection(ctx, PLUGIN_ID);
    try {
      const agent = await blueskyAgent(ctx, connection);
      const posts: SocialPostMetrics[] = [];
      for (let i = 0; i < a.postIds.length; i += PAGE) {
        const res = await agent.app.bsky.feed.getPosts({ uris: a.postIds.slice(i, i + PAGE) });
        for (const p of res.data.posts)
          posts.push(
            postMetrics(p.uri, {
              likes: p.likeCount,
              shares: (p.repostCount ?? 0) + (p.quoteCount ?? 0),
              comments: p.replyCount,
            }),
          );
      }
      return metricsAnswer(posts, ['impressions', 'clicks']);
    } catch (err) {
      throw toConnectorError(err);
    }
  },
});
