import { FUNNEL_STAGES } from '@neonhub/schemas';
import type { CampaignDetail } from '$lib/campaigns';
import { analyticsRange, campaignAnalytics, campaignNames, otherCampaignNames, splitOf, variantNames } from '$lib/server/analytics';
import { api } from '$lib/server/api';
import { orError } from '$lib/server/guard';
import { callContract } from '$lib/server/plugins';
import { shellOf } from '$lib/server/shell';
import type { PageServerLoad } from './$types';

const METRICS = FUNNEL_STAGES as readonly string[];

export const load: PageServerLoad = async (event) => {
  const ws = event.params.ws;
  const client = api(event);
  const q = event.url.searchParams;
  const [{ campaigns }, { contracts, timeZone }, learning] = await Promise.all([
    client.request('listCampaigns', { params: { ws } }).then(orError),
    shellOf(event, ws),
    // the learning settings' one line (the settings page changes them); the page shows without it
    client.request('getResultsSettings', { params: { ws } }).then((r) => (r.ok ? r.data : null)),
  ]);
  const [names, others] = await Promise.all([
    campaignNames(client, ws, contracts),
    otherCampaignNames(
      client,
      ws,
      campaigns.map((c) => c.campaign),
      timeZone,
    ),
  ]);
  const asked = q.get('c');
  const campaign = asked && campaigns.some((c) => c.campaign === asked) ? asked : (campaigns[0]?.campaign ?? null);
  const range = analyticsRange(event, timeZone);
  const split = splitOf(q);
  const [shown, detail] = await Promise.all([
    campaignAnalytics(client, ws, campaign, range, split),
    // a campaign of the campaigns contract: its variants' names
    campaign && names[campaign]
      ? callContract<CampaignDetail>(client, ws, 'campaigns', 'get_campaign', { campaignId: campaign }, contracts)
      : null,
  ]);
  const askedMetric = q.get('metric') ?? '';
  const kinds = shown.series?.series.map((s) => s.kind) ?? [];
  const metric = METRICS.includes(askedMetric) ? askedMetric : kinds.includes('clicked') ? 'clicked' : (kinds[0] ?? 'clicked');
  return {
    campaigns,
    // a run's sends by the run's goal, never `run:<id>`; the contract's campaigns by their names
    names: { ...others, ...names },
    variantNames: variantNames(detail?.output ?? null),
    campaign,
    range,
    split,
    ...shown,
    metric,
    metrics: METRICS,
    learning,
  };
};
