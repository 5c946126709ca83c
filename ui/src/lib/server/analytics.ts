import type { RequestEvent } from '@sveltejs/kit';
import type { Campaign, CampaignDetail } from '$lib/campaigns';
import type { Contracts } from '$lib/capabilities';
import { type ChosenRange, rangeFromUrl, todayIn } from '$lib/date-range';
import { type RunForName, resultsCampaignNames, runOfCampaign } from '$lib/results-names';
import type { Api } from './api';
import { orError } from './guard';
import { callContract } from './plugins';

export type Split = 'total' | 'variant' | 'channel';

/** `?split=variant|channel`, else the total. */
export const splitOf = (q: URLSearchParams): Split => {
  const s = q.get('split');
  return s === 'variant' || s === 'channel' ? s : 'total';
};

/**
 * Readable names for what the results are recorded under: a campaign of the campaigns contract's provider is
 * recorded under its id, so its id reads as its name; any other name (a segment send tagged `spring-sale`) reads as
 * itself.
 */
export async function campaignNames(client: Api, ws: string, contracts: Contracts): Promise<Record<string, string>> {
  if (!contracts.campaigns) return {};
  const r = await callContract<{ campaigns: Campaign[] }>(client, ws, 'campaigns', 'list_campaigns', { limit: 200 }, contracts);
  return Object.fromEntries((r.output?.campaigns ?? []).map((c) => [c.campaignId, c.name]));
}

/** At most this many runs not among the recent ones are read one by one for their goal (older ones read "An earlier run"). */
const MORE_RUNS = 20;

/**
 * Names in words for the results campaigns that no campaign of the contract names: a run's sends by the run's goal
 * (the recent runs in one request, a few older ones each by itself), unattributed sends as such (resultsCampaignNames).
 */
export async function otherCampaignNames(
  client: Api,
  ws: string,
  keys: readonly string[],
  timeZone: string,
): Promise<Record<string, string>> {
  const wanted = keys.map(runOfCampaign).filter((id): id is string => id !== null);
  if (wanted.length === 0) return resultsCampaignNames(keys, [], timeZone);
  const recent = await client.request('listRuns', { params: { ws } });
  const runs: RunForName[] = recent.ok ? recent.data.runs : [];
  const have = new Set(runs.map((r) => r.id));
  const older = await Promise.all(
    wanted
      .filter((id) => !have.has(id))
      .slice(0, MORE_RUNS)
      .map((id) => client.request('getRun', { params: { id } }).then((r) => (r.ok ? [r.data.run] : []))),
  );
  return resultsCampaignNames(keys, [...runs, ...older.flat()], timeZone);
}

/** A campaign's variants by the keys its results may carry (the variant's id or its name) → its name. */
export const variantNames = (detail: Pick<CampaignDetail, 'variants'> | null): Record<string, string> =>
  Object.fromEntries((detail?.variants ?? []).flatMap((v) => [[v.variantId, v.name] as const, [v.name, v.name] as const]));

/**
 * What the analytics of one results campaign show over a range: the funnel with its comparisons, the daily series
 * (split by variant or channel when asked) and the workspace's attribution, all for the same days.
 */
export async function campaignAnalytics(client: Api, ws: string, campaign: string | null, range: ChosenRange, split: Split) {
  const days = { from: range.from, to: range.to };
  const [funnel, series, attribution] = await Promise.all([
    campaign ? client.request('funnel', { params: { ws, campaign }, query: days }).then(orError) : null,
    campaign
      ? client
          .request('campaignSeries', { params: { ws, campaign }, query: { ...days, ...(split === 'total' ? {} : { by: split }) } })
          .then(orError)
      : null,
    client.request('attribution', { params: { ws }, query: days }).then(orError),
  ]);
  return { funnel, series, attribution };
}

/** The analytics page's range: the URL's, else the last 30 days up to today in the workspace's time zone. */
export const analyticsRange = (event: Pick<RequestEvent, 'url'>, timeZone: string) =>
  rangeFromUrl(event.url.searchParams, todayIn(timeZone));
