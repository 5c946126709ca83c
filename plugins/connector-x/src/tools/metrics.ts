import { SocialMetricsInputSchema, SocialMetricsOutputSchema } from '@neonhub/schemas';
import { defineTool, metricsAnswer, postMetrics, requireConnection } from '@neonhub/sdk';
import { ApiResponseError, type TweetV2 } from 'twitter-api-v2';
import { createXClient, PLUGIN_ID } from '../client.js';
import { toConnectorError } from '../errors.js';

const toMetrics = (t: TweetV2) =>
  postMetrics(t.id, {
    impressions: t.non_public_metrics?.impression_count ?? t.public_metrics?.impression_count,
    clicks: t.non_public_metrics?.url_link_clicks,
    likes: t.public_metrics?.like_count,
    shares: (t.public_metrics?.retweet_count ?? 0) + (t.public_metrics?.quote_count ?? 0),
    comments: t.public_metrics?.reply_count,
  });

export const metrics = defineTool({
  name: 'metrics',
  description:
    "Reads the totals of the connected account's posts on X (GET /2/tweets: public_metrics for impressions, likes, retweets + quotes, replies; non_public_metrics for link clicks). X gives link clicks only to the author for posts under 30 days old: when it refuses them, the answer says clicks are not reported.",
  sideEffect: 'read',
  input: SocialMetricsInputSchema,
  output: SocialMetricsOutputSchema,
  async run(a, ctx) {
    const connection = requireConnection(ctx, PLUGIN_ID);
    const client = createXClient(ctx, connection);
    try {
      try {
        const r = await client.v2.tweets(a.postIds, { 'tweet.fields': ['public_metrics', 'non_public_metrics'] });
        return metricsAnswer((r.data ?? []).map(toMetrics));
      } catch (err) {
        if (!(err instanceof ApiResponseError) || err.code !== 403) throw err;
        // Link clicks are private metrics: X refuses them for older posts or another author's. Public ones still count.
        const r = await client.v2.tweets(a.postIds, { 'tweet.fields': ['public_metrics'] });
        return metricsAnswer((r.data ?? []).map(toMetrics), ['clicks']);
      }
    } catch (err) {
      throw toConnectorError(err);
    }
  },
});
