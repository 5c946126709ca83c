import { createHash } from 'node:crypto';
import { SocialMetricsInputSchema, SocialMetricsOutputSchema, type SocialPostMetrics } from '@neonhub/schemas';
import { defineTool } from '@neonhub/sdk';

/** A uniform number in [0, 1) from the post id and the metric: the same every time. */
const draw = (postId: string, metric: string) => createHash('sha256').update(`${postId}\u0000${metric}`).digest().readUInt32BE(0) / 2 ** 32;

/**
 * The totals a sandbox post has (as a day-old post on a small account would): seeded by its post id, so the same
 * post always reports the same numbers and tests can compute them. Impressions 200–2,000; of those 1–4% click,
 * 1–6% like, up to 1% share and up to 1% comment.
 */
export function sandboxMetrics(postId: string): SocialPostMetrics {
  const impressions = 200 + Math.floor(draw(postId, 'impressions') * 1800);
  const share = (metric: string, lo: number, hi: number) => Math.floor(impressions * (lo + draw(postId, metric) * (hi - lo)));
  return {
    postId,
    impressions,
    clicks: share('clicks', 0.01, 0.04),
    likes: share('likes', 0.01, 0.06),
    shares: share('shares', 0, 0.01),
    comments: share('comments', 0, 0.01),
  };
}

export const metrics = defineTool({
  name: 'metrics',
  description:
    'Reads the engagement totals of sandbox posts (impressions, clicks, likes, shares, comments), simulated and seeded by each post id: the social channel contract real network connectors implement with their APIs.',
  sideEffect: 'read',
  input: SocialMetricsInputSchema,
  output: SocialMetricsOutputSchema,
  async run(a) {
    return { posts: a.postIds.filter((id) => id.startsWith('sandbox-')).map(sandboxMetrics) };
  },
});
