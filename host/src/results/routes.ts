import { apiRoutes, ConversionBodySchema, describeIssues } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { baseUrlOf } from '../audiences/routes.js';
import { hostErrors } from '../errors.js';
import { addRoute } from '../server/route.js';
import type { ApiDeps } from '../server/routes/deps.js';
import { scoped } from '../server/scopes.js';
import { attribution, campaigns, funnel } from './analytics.js';
import { campaignLinks, linkCampaign, unlinkCampaign } from './campaign-links.js';
import { recordConversion, recordProviderEvents } from './events.js';
import { createLinks, followLink } from './links.js';
import { checkBounds } from './reader.js';
import { campaignSeries } from './series.js';
import { snippetSource } from './snippet.js';

/** Results inside a workspace (docs/analytics.md): links, events, conversions, funnel, attribution. */
export async function resultRoutes(app: FastifyInstance, { host }: ApiDeps) {
  const db = host.storage.db;
  addRoute(app, apiRoutes.createLinks, async (request, reply) => {
    const links = await createLinks(db, scoped(request).workspaceId, request.body);
    reply.status(201);
    return { links };
  });
  addRoute(app, apiRoutes.recordEvents, async (request) => recordProviderEvents(db, scoped(request).workspaceId, request.body.events));
  addRoute(app, apiRoutes.recordConversion, async (request) => recordConversion(db, scoped(request).workspaceId, request.body, 'api'));
  addRoute(app, apiRoutes.listCampaigns, async (request) => ({ campaigns: await campaigns(db, scoped(request).workspaceId) }));
  addRoute(app, apiRoutes.funnel, async (request) =>
    funnel(db, scoped(request).workspaceId, request.params.campaign, checkBounds(request.query.from, request.query.to)),
  );
  addRoute(app, apiRoutes.campaignSeries, async (request) =>
    campaignSeries(db, scoped(request).workspaceId, request.params.campaign, request.query),
  );
  addRoute(app, apiRoutes.listCampaignLinks, async (request) => ({
    links: await campaignLinks(db, scoped(request).workspaceId, request.query.campaignId),
  }));
  addRoute(app, apiRoutes.linkCampaign, async (request) => {
    const workspaceId = scoped(request).workspaceId;
    const { campaignId, resultsCampaign } = request.body;
    await linkCampaign(db, workspaceId, campaignId, resultsCampaign, 'api');
    return (await campaignLinks(db, workspaceId, campaignId)).find((l) => l.resultsCampaign === resultsCampaign)!;
  });
  addRoute(app, apiRoutes.unlinkCampaign, async (request) => ({
    removed: await unlinkCampaign(db, scoped(request).workspaceId, request.query.campaignId, request.query.resultsCampaign),
  }));
  addRoute(app, apiRoutes.attribution, async (request) =>
    attribution(db, scoped(request).workspaceId, request.query.windowDays, checkBounds(request.query.from, request.query.to)),
  );
}

/**
 * The public endpoints: the tracked-link redirect and the conversion snippet with its beacon. No credentials;
 * the beacon answers any origin (`Access-Control-Allow-Origin: *`, no cookies) and counts only with a click
 * token the redirect issued, so it cannot be used to invent results for a campaign.
 */
export async function publicResultRoutes(app: FastifyInstance, { host }: ApiDeps) {
  const db = host.storage.db;
  addRoute(app, apiRoutes.followLink, async (request, reply) => {
    const location = await followLink(db, request.params.code);
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(location, 302);
    return undefined;
  });
  addRoute(app, apiRoutes.snippet, async (request, reply) => {
    const ws = await host.storage.service.resolveWorkspace(request.params.ws);
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('cache-control', 'public, max-age=300')
      .send(snippetSource(`${baseUrlOf(request)}/t/${ws.slug}/convert`));
    return undefined;
  });
  addRoute(app, apiRoutes.beaconConversion, async (request, reply) => {
    reply.header('access-control-allow-origin', '*').header('cross-origin-resource-policy', 'cross-origin');
    const ws = await host.storage.service.resolveWorkspace(request.params.ws);
    let body: unknown;
    try {
      body = typeof request.body === 'string' ? JSON.parse(request.body) : request.body;
    } catch {
      throw hostErrors.create('NH_REQUEST_INVALID', 'the beacon body is not JSON');
    }
    const parsed = ConversionBodySchema.pick({ click: true, id: true, value: true }).required({ click: true }).safeParse(body);
    if (!parsed.success) throw hostErrors.create('NH_REQUEST_INVALID', describeIssues(parsed.error.issues));
    await recordConversion(db, ws.id, parsed.data, 'snippet');
    reply.status(204).send();
    return undefined;
  });
}
