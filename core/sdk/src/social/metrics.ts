import type { SocialMetricName, SocialMetricsOutput, SocialPostMetrics } from '@neonhub/schemas';
import { connectorErrors } from '../errors.js';

/** A post's metrics from what the network gave: a missing figure is 0 (the answer's notReported names it). */
export function postMetrics(postId: string, got: Partial<Record<SocialMetricName, number | undefined>>): SocialPostMetrics {
  const n = (v: number | undefined) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);
  return {
    postId,
    impressions: n(got.impressions),
    clicks: n(got.clicks),
    likes: n(got.likes),
    shares: n(got.shares),
    comments: n(got.comments),
  };
}

/** A `metrics` answer: the posts found, and the metrics the network did not give (omitted when none). */
export function metricsAnswer(posts: SocialPostMetrics[], notReported: readonly SocialMetricName[] = []): SocialMetricsOutput {
  const missing = [...new Set(notReported)];
  return { posts, ...(missing.length ? { notReported: missing } : {}) };
}

/** NH_CONNECTOR_SCOPE_MISSING: the connection lacks the permission `scope` that reading `what` needs. */
export function scopeMissing(provider: string, scope: string, what: string, cause?: unknown) {
  return connectorErrors.create(
    'NH_CONNECTOR_SCOPE_MISSING',
    `${provider} refused to give ${what}: the connection lacks the ${scope} permission; reconnect the account granting it`,
    { details: { provider, scope }, ...(cause ? { cause } : {}) },
  );
}
