import { FUNNEL_STAGES } from '@neonhub/schemas';
import { api } from '$lib/server/api';
import { orError } from '$lib/server/guard';
import type { PageServerLoad } from './$types';

const METRICS = FUNNEL_STAGES as readonly string[];

export const load: PageServerLoad = async (event) => {
  const ws = event.params.ws;
  const client = api(event);
  const { campaigns } = orError(await client.request('listCampaigns', { params: { ws } }));
  const campaign = event.url.searchParams.get('c') ?? campaigns[0]?.campaign ?? null;
  const [funnel, attribution, series] = await Promise.all([
    campaign ? client.request('funnel', { params: { ws, campaign } }).then(orError) : Promise.resolve(null),
    client.request('attribution', { params: { ws }, query: {} }).then(orError),
    // the last 28 days of the campaign, each metric with its unusual days
    campaign ? client.request('campaignSeries', { params: { ws, campaign }, query: {} }).then(orError) : Promise.resolve(null),
  ]);
  const asked = event.url.searchParams.get('metric') ?? '';
  const kinds = series?.series.map((s) => s.kind) ?? [];
  const metric = METRICS.includes(asked) ? asked : kinds.includes('clicked') ? 'clicked' : (kinds[0] ?? 'clicked');
  return { campaigns, campaign, funnel, attribution, series, metric, metrics: METRICS };
};
