import type { DB, Kysely } from '@neonhub/db';
import type { CampaignLink } from '@neonhub/schemas';

type Db = Kysely<DB>;

/** Who linked a campaign to a results campaign name (campaign_results_links.source). */
export type LinkSource = 'api' | 'name';

/**
 * Stores that the results recorded under `resultsCampaign` belong to the campaign `campaignId` (of the campaigns
 * contract). A link a person made (`api`) is never overwritten by one found by name.
 */
export async function linkCampaign(
  db: Db,
  workspaceId: string,
  campaignId: string,
  resultsCampaign: string,
  source: LinkSource,
): Promise<void> {
  await db
    .insertInto('campaign_results_links')
    .values({ workspace_id: workspaceId, campaign_id: campaignId, results_campaign: resultsCampaign, source })
    .onConflict((oc) =>
      source === 'api'
        ? oc.columns(['workspace_id', 'campaign_id', 'results_campaign']).doUpdateSet({ source })
        : oc.columns(['workspace_id', 'campaign_id', 'results_campaign']).doNothing(),
    )
    .execute();
}

/** Removes one link (false when there was none). */
export async function unlinkCampaign(db: Db, workspaceId: string, campaignId: string, resultsCampaign: string): Promise<boolean> {
  const r = await db
    .deleteFrom('campaign_results_links')
    .where('workspace_id', '=', workspaceId)
    .where('campaign_id', '=', campaignId)
    .where('results_campaign', '=', resultsCampaign)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The workspace's links, optionally of one campaign; a person's links first, then the newest. */
export async function campaignLinks(db: Db, workspaceId: string, campaignId?: string): Promise<CampaignLink[]> {
  let q = db
    .selectFrom('campaign_results_links')
    .select(['campaign_id', 'results_campaign', 'source', 'created_at'])
    .where('workspace_id', '=', workspaceId);
  if (campaignId !== undefined) q = q.where('campaign_id', '=', campaignId);
  const rows = await q.orderBy('campaign_id').orderBy('created_at', 'desc').orderBy('results_campaign').limit(1000).execute();
  return rows
    .map((r) => ({
      campaignId: r.campaign_id,
      resultsCampaign: r.results_campaign,
      source: r.source === 'api' ? ('api' as const) : ('name' as const),
      createdAt: new Date(r.created_at).toISOString(),
    }))
    .sort((a, b) => a.campaignId.localeCompare(b.campaignId) || Number(b.source === 'api') - Number(a.source === 'api'));
}

/** The campaigns linked to each of these results campaign names (stored links; a name without one is absent). */
export async function campaignIdsOf(db: Db, workspaceId: string, names: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (names.length === 0) return out;
  const rows = await db
    .selectFrom('campaign_results_links')
    .select(['campaign_id', 'results_campaign'])
    .where('workspace_id', '=', workspaceId)
    .where('results_campaign', 'in', [...names])
    .orderBy('campaign_id')
    .execute();
  for (const r of rows) out.set(r.results_campaign, [...(out.get(r.results_campaign) ?? []), r.campaign_id]);
  return out;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/**
 * The results campaign name a campaign's sends were recorded under, found by name (what the console inferred before
 * links were stored): its id, else its name as typed or as a slug ("Spring sale" → spring-sale).
 */
export function resultsNameFor(campaign: { campaignId: string; name: string }, names: readonly string[]): string | undefined {
  const has = new Set(names);
  if (has.has(campaign.campaignId)) return campaign.campaignId;
  if (has.has(campaign.name)) return campaign.name;
  const wanted = slug(campaign.name);
  return wanted ? names.find((n) => slug(n) === wanted) : undefined;
}
