import { type SocialMetricName, SocialMetricsInputSchema, SocialMetricsOutputSchema, type SocialPostMetrics } from '@neonhub/schemas';
import { credential, defineTool, isNeonHubError, metricsAnswer, postMetrics, requireConnection, type ToolContext } from '@neonhub/sdk';
import { graph, PLUGIN_ID, pageToken } from '../graph.js';

type Ctx = Pick<ToolContext, 'fetch' | 'config' | 'signal'>;
/** Graph's multi-id read takes at most 50 ids. */
const PAGE = 50;
const FACEBOOK_FIELDS = 'shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)';
const FACEBOOK_INSIGHTS = 'insights.metric(post_impressions,post_clicks)';
const INSTAGRAM_FIELDS = 'like_count,comments_count';
const INSTAGRAM_INSIGHTS = 'insights.metric(views,shares)';

interface Insights {
  insights?: { data?: Array<{ name: string; values?: Array<{ value?: number }> }> };
}
interface PagePost extends Insights {
  shares?: { count?: number };
  reactions?: { summary?: { total_count?: number } };
  comments?: { summary?: { total_count?: number } };
}
interface InstagramMedia extends Insights {
  like_count?: number;
  comments_count?: number;
}

const insight = (o: Insights, name: string) => o.insights?.data?.find((d) => d.name === name)?.values?.[0]?.value;

/** Graph refuses insights without read_insights / instagram_manage_insights as (#10) or (#200) permission errors. */
const isPermissionError = (err: unknown) =>
  isNeonHubError(err) && [10, 200, '10', '200'].includes((err.details as { providerCode?: unknown } | undefined)?.providerCode as never);

/**
 * Reads `ids` with `fields` plus the insights expansion, 50 a request; when Graph refuses the insights (a missing
 * permission), reads the public counts alone and reports the insight metrics as not given.
 */
async function read<T>(
  ctx: Ctx,
  token: string,
  ids: string[],
  fields: string,
  insights: string,
): Promise<{ got: Map<string, T>; partial: boolean }> {
  const got = new Map<string, T>();
  let partial = false;
  for (let i = 0; i < ids.length; i += PAGE) {
    const batch = ids.slice(i, i + PAGE).join(',');
    let r: Record<string, T>;
    try {
      r = await graph<Record<string, T>>(ctx, 'GET', '/', token, { ids: batch, fields: partial ? fields : `${fields},${insights}` });
    } catch (err) {
      if (partial || !isPermissionError(err)) throw err;
      partial = true;
      r = await graph<Record<string, T>>(ctx, 'GET', '/', token, { ids: batch, fields });
    }
    for (const [id, o] of Object.entries(r)) got.set(id, o);
  }
  return { got, partial };
}

export const metrics = defineTool({
  name: 'metrics',
  description:
    "Reads the totals of the connected Page's posts (reactions, comments, shares; insights post_impressions and post_clicks) and its Instagram media (likes, comments; insights views and shares) through Graph's multi-id read, 50 a request. A Page post id is page_post, an Instagram media id is all digits. Instagram gives no link clicks; without the insights permission (read_insights / instagram_manage_insights) the public counts still come and the answer says which metrics were not given.",
  sideEffect: 'read',
  input: SocialMetricsInputSchema,
  output: SocialMetricsOutputSchema,
  timeoutMs: 120_000,
  async run(a, ctx) {
    const connection = requireConnection(ctx, PLUGIN_ID);
    const userToken = credential(connection, 'accessToken', PLUGIN_ID);
    const facebookIds = a.postIds.filter((id) => id.includes('_'));
    const instagramIds = a.postIds.filter((id) => /^\d+$/.test(id));
    const posts: SocialPostMetrics[] = [];
    const notReported: SocialMetricName[] = [];
    if (facebookIds.length) {
      const pageId = credential(connection, 'pageId', PLUGIN_ID);
      const token = await pageToken(ctx, pageId, connection.credentials);
      const { got, partial } = await read<PagePost>(ctx, token, facebookIds, FACEBOOK_FIELDS, FACEBOOK_INSIGHTS);
      if (partial) notReported.push('impressions', 'clicks');
      for (const [id, p] of got)
        posts.push(
          postMetrics(id, {
            impressions: insight(p, 'post_impressions'),
            clicks: insight(p, 'post_clicks'),
            likes: p.reactions?.summary?.total_count,
            shares: p.shares?.count,
            comments: p.comments?.summary?.total_count,
          }),
        );
    }
    if (instagramIds.length) {
      const { got, partial } = await read<InstagramMedia>(ctx, userToken, instagramIds, INSTAGRAM_FIELDS, INSTAGRAM_INSIGHTS);
      notReported.push('clicks');
      if (partial) notReported.push('impressions', 'shares');
      for (const [id, m] of got)
        posts.push(
          postMetrics(id, {
            impressions: insight(m, 'views'),
            likes: m.like_count,
            shares: insight(m, 'shares'),
            comments: m.comments_count,
          }),
        );
    }
    return metricsAnswer(posts, notReported);
  },
});
