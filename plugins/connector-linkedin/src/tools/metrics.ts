import { SocialMetricsInputSchema, SocialMetricsOutputSchema, type SocialPostMetrics } from '@neonhub/schemas';
import { defineTool, metricsAnswer, postMetrics, requireConnection, scopeMissing } from '@neonhub/sdk';
import type { RestliClient } from 'linkedin-api-client';
import { accessToken, LINKEDIN_VERSION, linkedinClient, PLUGIN_ID } from '../client.js';
import { toConnectorError } from '../errors.js';

interface ShareStatistics {
  share?: string;
  ugcPost?: string;
  totalShareStatistics?: { impressionCount?: number; clickCount?: number; likeCount?: number; shareCount?: number; commentCount?: number };
}
interface SocialActions {
  likesSummary?: { totalLikes?: number; aggregatedTotalLikes?: number };
  commentsSummary?: { aggregatedTotalComments?: number; totalFirstLevelComments?: number };
}

/** A 403 from LinkedIn on a read is a permission the connection was not granted. */
const refusedAs = (scope: string, what: string) => (err: unknown) => {
  if ((err as { response?: { status?: number } })?.response?.status === 403) throw scopeMissing('linkedin', scope, what, err);
  throw err;
};

/** A page's posts: organizationalEntityShareStatistics gives every metric (rw_organization_admin). */
async function organizationPosts(client: RestliClient, token: string, org: string, ids: string[]): Promise<SocialPostMetrics[]> {
  const res = await client
    .finder({
      resourcePath: '/organizationalEntityShareStatistics',
      finderName: 'organizationalEntity',
      queryParams: {
        organizationalEntity: org,
        ...(ids.some((i) => i.startsWith('urn:li:share:')) ? { shares: ids.filter((i) => i.startsWith('urn:li:share:')) } : {}),
        ...(ids.some((i) => i.startsWith('urn:li:ugcPost:')) ? { ugcPosts: ids.filter((i) => i.startsWith('urn:li:ugcPost:')) } : {}),
      },
      versionString: LINKEDIN_VERSION,
      accessToken: token,
    })
    .catch(refusedAs('rw_organization_admin', "the page's share statistics"));
  return ((res.data.elements ?? []) as ShareStatistics[]).flatMap((e) => {
    const id = e.share ?? e.ugcPost;
    const t = e.totalShareStatistics ?? {};
    return id
      ? [
          postMetrics(id, {
            impressions: t.impressionCount,
            clicks: t.clickCount,
            likes: t.likeCount,
            shares: t.shareCount,
            comments: t.commentCount,
          }),
        ]
      : [];
  });
}

/** A member's posts: socialActions gives likes and comments only (r_member_social). */
async function memberPosts(client: RestliClient, token: string, ids: string[]): Promise<SocialPostMetrics[]> {
  const res = await client
    .batchGet({ resourcePath: '/socialActions', ids, versionString: LINKEDIN_VERSION, accessToken: token })
    .catch(refusedAs('r_member_social', "the member's post likes and comments"));
  return Object.entries((res.data.results ?? {}) as Record<string, SocialActions>).map(([key, a]) =>
    postMetrics(decodeURIComponent(key), {
      likes: a.likesSummary?.aggregatedTotalLikes ?? a.likesSummary?.totalLikes,
      comments: a.commentsSummary?.aggregatedTotalComments ?? a.commentsSummary?.totalFirstLevelComments,
    }),
  );
}

export const metrics = defineTool({
  name: 'metrics',
  description:
    "Reads the totals of the connection's LinkedIn posts. As an organization (organizationUrn set): organizationalEntityShareStatistics, every metric (needs rw_organization_admin). As a member: socialActions, likes and comments only (needs r_member_social); LinkedIn gives a member no impressions, clicks or reshare counts through it, and the answer says so (notReported). A missing permission is NH_CONNECTOR_SCOPE_MISSING.",
  sideEffect: 'read',
  input: SocialMetricsInputSchema,
  output: SocialMetricsOutputSchema,
  async run(a, ctx) {
    const connection = requireConnection(ctx, PLUGIN_ID);
    const client = linkedinClient(ctx);
    const token = accessToken(connection);
    const org = connection.credentials.organizationUrn;
    try {
      if (org) return metricsAnswer(await organizationPosts(client, token, org, a.postIds));
      return metricsAnswer(await memberPosts(client, token, a.postIds), ['impressions', 'clicks', 'shares']);
    } catch (err) {
      throw toConnectorError(err);
    }
  },
});
