import { z } from 'zod';

/**
 * The social channel's `post` tool contract, shared by every real social connector (connector-x,
 * connector-linkedin, connector-bluesky, connector-mastodon, connector-meta): an agent that resolved the
 * `social` channel (ctx.channels) calls `<plugin>:post` with this input whichever network it lands on.
 * Each connector checks its network's limits (text length, media count and size) before sending anything.
 */
export const SocialPostInputSchema = z.object({
  text: z
    .string()
    .trim()
    .min(1)
    .max(100_000)
    .describe("The post text; the connector refuses it (NH_CONNECTOR_LIMIT_EXCEEDED) when it breaks the network's length limit."),
  mediaUrls: z
    .array(
      z
        .string()
        .max(20_000_000)
        .refine(
          (u) => /^https?:\/\//i.test(u) || /^data:image\/[a-z0-9.+-]+;base64,/i.test(u),
          'an http(s) URL or a data:image/...;base64, URI',
        ),
    )
    .max(20)
    .default([])
    .describe('Images to attach: http(s) URLs (fetched through the plugin fetch) or data:image/...;base64 URIs.'),
  link: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('A link to share with the post (appended to the text, or as the network link card where it has one).'),
  connection: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("The connected account to post as (its id or label); default: the workspace's default connection."),
  campaign: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('The campaign the post belongs to: its results (sent, metrics) are attributed to it. Not sent to the network.'),
});
export type SocialPostInput = z.output<typeof SocialPostInputSchema>;

export const SocialPostOutputSchema = z.object({
  /** The network's id of the post (tweet id, at:// URI, status id, urn:li:share, page post id, IG media id). */
  postId: z.string(),
  /** Where the post can be seen. */
  url: z.string(),
  /** True when this idempotency key had already published the post: nothing new was published. */
  duplicate: z.boolean(),
  status: z.literal('published'),
});
export type SocialPostOutput = z.infer<typeof SocialPostOutputSchema>;

/**
 * The social channel's `metrics` tool contract (optional for a social connector; the host pulls it on a schedule,
 * docs/analytics.md): the totals so far of posts the connector published, by the network's post ids.
 */
export const SocialMetricsInputSchema = z.object({
  postIds: z.array(z.string().min(1).max(512)).min(1).max(100).describe('The network ids of the posts (what `post` returned as postId).'),
  connection: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("The connected account the posts were published as (its id or label); default: the workspace's default connection."),
});
export type SocialMetricsInput = z.output<typeof SocialMetricsInputSchema>;

const Count = z.number().int().min(0);
export const SocialPostMetricsSchema = z.object({
  postId: z.string(),
  /** Times shown; 0 where the network does not report it to the author (Mastodon, Bluesky). */
  impressions: Count,
  /** Link clicks where the network reports them, else 0. */
  clicks: Count,
  /** Likes, favourites, reactions. */
  likes: Count,
  /** Reposts, reblogs, retweets, shares. */
  shares: Count,
  /** Replies, comments. */
  comments: Count,
});
export type SocialPostMetrics = z.infer<typeof SocialPostMetricsSchema>;
/** The metrics a post reports, by name. */
export const SocialMetricNameSchema = z.enum(['impressions', 'clicks', 'likes', 'shares', 'comments']);
export type SocialMetricName = z.infer<typeof SocialMetricNameSchema>;
export const SocialMetricsOutputSchema = z.object({
  /** One entry per post found; a deleted or unknown post is left out. */
  posts: z.array(SocialPostMetricsSchema),
  /**
   * The metrics the network does not give for these posts (or not with the connection's scopes): reported as 0, and
   * the host records nothing for them. Absent when every metric is real.
   */
  notReported: z.array(SocialMetricNameSchema).optional(),
});
export type SocialMetricsOutput = z.infer<typeof SocialMetricsOutputSchema>;
/** Each metric and the result kind its increase is recorded as. */
export const SOCIAL_METRIC_KINDS = {
  impressions: 'impression',
  clicks: 'clicked',
  likes: 'liked',
  shares: 'shared',
  comments: 'commented',
} as const;
