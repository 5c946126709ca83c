import { z } from 'zod';
import { IsoDateTimeSchema, WsParamsSchema } from './common.js';
import { defineRoute } from './route.js';

/**
 * Which results belong to a campaign (docs/analytics.md#campaign-links): a campaign of the campaigns contract (its
 * id) is linked to the results campaign names its sends were recorded under. Stored, so the campaign results API
 * and the learning schedule read the link instead of guessing it from names.
 */
const Name = z.string().trim().min(1).max(100);

export const CampaignLinkBodySchema = z.strictObject({
  /** The campaign's id in the campaigns contract (agent-campaign's `cmp_...`). */
  campaignId: Name,
  /** The campaign name its results were recorded under (the `campaign` of the funnel and the series). */
  resultsCampaign: Name,
});
export type CampaignLinkBody = z.infer<typeof CampaignLinkBodySchema>;

export const CampaignLinkSchema = z.object({
  campaignId: z.string(),
  resultsCampaign: z.string(),
  /** `api`: a person linked them; `name`: the learning schedule found the campaign's id or name among the results. */
  source: z.enum(['api', 'name']),
  createdAt: IsoDateTimeSchema,
});
export type CampaignLink = z.infer<typeof CampaignLinkSchema>;

export const CampaignLinkListSchema = z.object({ links: z.array(CampaignLinkSchema) });
export const CampaignLinksQuerySchema = z.strictObject({ campaignId: Name.optional() });
export const CampaignUnlinkedSchema = z.object({ removed: z.boolean() });

const ws = '/api/workspaces/:ws';

export const campaignLinkRoutes = {
  listCampaignLinks: defineRoute({
    method: 'GET',
    path: `${ws}/results/campaign-links`,
    access: 'viewer',
    tag: 'results',
    summary: "The stored links between campaigns and the results recorded for them (a person's links first)",
    params: WsParamsSchema,
    query: CampaignLinksQuerySchema,
    response: { 200: CampaignLinkListSchema },
  }),
  linkCampaign: defineRoute({
    method: 'PUT',
    path: `${ws}/results/campaign-links`,
    access: 'member',
    tag: 'results',
    summary: 'Links a campaign to a results campaign name (the learning schedule then reallocates its budget from those results)',
    params: WsParamsSchema,
    body: CampaignLinkBodySchema,
    response: { 200: CampaignLinkSchema },
  }),
  unlinkCampaign: defineRoute({
    method: 'DELETE',
    path: `${ws}/results/campaign-links`,
    access: 'member',
    tag: 'results',
    summary: 'Removes one link between a campaign and a results campaign name',
    params: WsParamsSchema,
    query: CampaignLinkBodySchema,
    response: { 200: CampaignUnlinkedSchema },
  }),
} as const;
