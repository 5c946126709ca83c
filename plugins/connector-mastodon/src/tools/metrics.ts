import { SocialMetricsInputSchema, SocialMetricsOutputSchema, type SocialPostMetrics } from '@neonhub/schemas';
import { credential, defineTool, metricsAnswer, postMetrics, requireConnection, scopeMissing } from '@neonhub/sdk';
import { createRestAPIClient, MastoHttpError } from 'masto';
import { toConnectorError } from '../errors.js';
import { instanceLimits, instanceUrl, PLUGIN_ID } from '../instance.js';

export const metrics = defineTool({
  name: 'metrics',
  description:
    "Reads the totals of the connected account's statuses (GET /api/v1/statuses/:id: favourites, reblogs, replies). Mastodon does not give the author impressions or link clicks: the answer says so (notReported). A deleted status is left out; a token without read:statuses is NH_CONNECTOR_SCOPE_MISSING.",
  sideEffect: 'read',
  input: SocialMetricsInputSchema,
  output: SocialMetricsOutputSchema,
  timeoutMs: 120_000,
  async run(a, ctx) {
    const connection = requireConnection(ctx, PLUGIN_ID);
    const url = instanceUrl(ctx, connection);
    try {
      // Through ctx.fetch first: masto sends with the global fetch, so this is the declared-hosts and outbound check.
      await instanceLimits(ctx, url);
      const masto = createRestAPIClient({ url, accessToken: credential(connection, 'accessToken', PLUGIN_ID), timeout: 30_000 });
      const posts: SocialPostMetrics[] = [];
      for (const id of a.postIds) {
        try {
          const s = await masto.v1.statuses.$select(id).fetch();
          posts.push(postMetrics(id, { likes: s.favouritesCount, shares: s.reblogsCount, comments: s.repliesCount }));
        } catch (err) {
          if (err instanceof MastoHttpError && err.statusCode === 404) continue;
          if (err instanceof MastoHttpError && err.statusCode === 403)
            throw scopeMissing('mastodon', 'read:statuses', "its statuses' counts", err);
          throw err;
        }
      }
      return metricsAnswer(posts, ['impressions', 'clicks']);
    } catch (err) {
      throw toConnectorError(err);
    }
  },
});
