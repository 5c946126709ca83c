/**
 * What a fake network counts on a post (each fake maps these onto its network's own fields: X's public_metrics,
 * Mastodon's favourites_count, Bluesky's likeCount, LinkedIn's share statistics, Meta's insights). Tests set them.
 */
export interface FakeEngagement {
  impressions: number;
  /** Link clicks. */
  clicks: number;
  likes: number;
  /** Reposts, reblogs, retweets, shares. */
  shares: number;
  /** Quote posts (X, Bluesky). */
  quotes: number;
  comments: number;
}

export const noEngagement = (): FakeEngagement => ({ impressions: 0, clicks: 0, likes: 0, shares: 0, quotes: 0, comments: 0 });
