import { FUNNEL_STAGES } from '@neonhub/schemas';
import { error, fail, redirect } from '@sveltejs/kit';
import { type AllocationDecision, type CampaignDetail, resultsNameOf } from '$lib/campaigns';
import { rangeFromUrl } from '$lib/date-range';
import { atLeast } from '$lib/nav';
import { campaignAnalytics, campaignNames, splitOf, variantNames } from '$lib/server/analytics';
import { api, enc } from '$lib/server/api';
import { guardedActions, requireWorkspace, text } from '$lib/server/guard';
import { callContract } from '$lib/server/plugins';
import { shellOf } from '$lib/server/shell';
import type { Actions, PageServerLoad } from './$types';

const DAY_MS = 86_400_000;
/** The series shows the campaign's days up to today, at most this many. */
const MAX_DAYS = 90;
const ok = <T>(data: T) => ({ data, error: null });
/** A read the API refused (a 4xx with its message): said on the page, the rest of it still shown. */
const failed = (err: unknown) => ({
  data: null,
  error: (err as { body?: { message?: string } })?.body?.message ?? 'could not read the results',
});
const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);
/** The first and the last of YYYY-MM-DD days (they sort as strings). */
const firstDay = (...days: string[]) => days.sort()[0]!;
const lastDay = (...days: string[]) => days.sort().at(-1)!;
const METRICS = FUNNEL_STAGES as readonly string[];
const ALLOCATE_METRICS = ['clicked', 'opened', 'converted'] as const;

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const ws = event.params.ws;
  const campaignId = event.params.id;
  const { contracts } = await shellOf(event, ws);
  if (!contracts.campaigns) redirect(303, `/w/${enc(ws)}/campaigns`);
  const [got, history, withResults, stored] = await Promise.all([
    callContract<CampaignDetail>(client, ws, 'campaigns', 'get_campaign', { campaignId }, contracts),
    callContract<{ decisions: AllocationDecision[] }>(client, ws, 'campaigns', 'allocation_history', { campaignId, limit: 20 }, contracts),
    client.request('listCampaigns', { params: { ws } }),
    client.request('listCampaignLinks', { params: { ws }, query: { campaignId } }),
  ]);
  if (!got.output)
    error(got.code?.endsWith('NOT_FOUND') ? 404 : 502, { message: got.error ?? 'error', ...(got.code ? { code: got.code } : {}) });
  const { campaign } = got.output;
  const q = event.url.searchParams;

  // Which results are this campaign's: ?results= (picked on the page), else the link the host stored (a person's
  // first), else the id or the name they were sent under
  const names = withResults.ok ? withResults.data.campaigns.map((c) => c.campaign) : [];
  const asked = q.get('results');
  const linked = stored.ok ? stored.data.links.find((l) => names.includes(l.resultsCampaign))?.resultsCampaign : undefined;
  const resultsCampaign = asked && names.includes(asked) ? asked : (linked ?? resultsNameOf(campaign, names));

  // The days shown: the URL's range, else the campaign's own (from its start, at most 90 days, to today or its end)
  const today = dayOf(Date.now());
  const end = lastDay(campaign.startDate, firstDay(campaign.endDate, today));
  const own = { from: lastDay(campaign.startDate, dayOf(Date.parse(`${end}T00:00:00Z`) - (MAX_DAYS - 1) * DAY_MS)), to: end };
  const range = rangeFromUrl(q, today, { key: 'campaign', range: own });
  const split = splitOf(q);
  const [shown, labels] = await Promise.all([
    resultsCampaign ? campaignAnalytics(client, ws, resultsCampaign, range, split).then(ok, failed) : null,
    campaignNames(client, ws, contracts),
  ]);
  const kinds = shown?.data?.series?.series.map((s) => s.kind) ?? [];
  const askedMetric = q.get('metric') ?? '';
  const metric = METRICS.includes(askedMetric) ? askedMetric : kinds.includes('clicked') ? 'clicked' : (kinds[0] ?? 'clicked');
  const attribution = shown?.data?.attribution ?? null;

  return {
    ...got.output,
    resultNames: names,
    /** Results names as read: a campaign's id as its name. */
    labels: { ...labels, [campaign.campaignId]: `${campaign.name} (this campaign)` },
    variantNames: variantNames(got.output),
    resultsCampaign,
    /** The results name a person linked this campaign to (stored on the host), if any. */
    linkedTo: stored.ok ? (stored.data.links.find((l) => l.source === 'api')?.resultsCampaign ?? null) : null,
    range,
    split,
    metric,
    metrics: METRICS,
    series: shown?.data?.series ?? null,
    funnel: shown?.data?.funnel ?? null,
    resultsError: shown?.error ?? null,
    attribution: attribution ? attribution.rows.filter((r) => r.campaign === resultsCampaign) : [],
    attributionWindow: attribution?.windowDays ?? null,
    decisions: history.output?.decisions ?? [],
    historyError: history.error ?? null,
    /** Allocate across variants when the campaign has some, else across its channels. */
    defaultBy: got.output.variants.length > 0 ? 'variant' : 'channel',
    allocateMetrics: ALLOCATE_METRICS,
  };
};

export const actions = guardedActions({
  /** "Link": stores that this campaign's results are recorded under the name shown (members and up). */
  link: async (event) => {
    const ws = requireWorkspace(event.locals, event.params.ws ?? '');
    if (!atLeast(ws.role, 'member')) return fail(403, { linkError: 'Only members, admins and owners can link a campaign to its results.' });
    const resultsCampaign = text(await event.request.formData(), 'resultsCampaign');
    if (!resultsCampaign) return fail(400, { linkError: 'Pick the results to link this campaign to.' });
    const r = await api(event).request('linkCampaign', {
      params: { ws: ws.slug },
      body: { campaignId: event.params.id ?? '', resultsCampaign },
    });
    // said beside the link's form (the page's other form error is the reallocation's)
    if (!r.ok) return fail(r.status >= 500 ? 502 : r.status, { linkError: r.error.message, code: r.error.code });
    return { linked: r.data.resultsCampaign };
  },
  /** "Unlink": removes the link a person made (members and up); the results are matched by name again. */
  unlink: async (event) => {
    const ws = requireWorkspace(event.locals, event.params.ws ?? '');
    if (!atLeast(ws.role, 'member'))
      return fail(403, { linkError: 'Only members, admins and owners can unlink a campaign from its results.' });
    const resultsCampaign = text(await event.request.formData(), 'resultsCampaign');
    if (!resultsCampaign) return fail(400, { linkError: 'Which results should this campaign be unlinked from?' });
    const r = await api(event).request('unlinkCampaign', {
      params: { ws: ws.slug },
      query: { campaignId: event.params.id ?? '', resultsCampaign },
    });
    if (!r.ok) return fail(r.status >= 500 ? 502 : r.status, { linkError: r.error.message, code: r.error.code });
    return { unlinked: r.data.removed ? resultsCampaign : null };
  },
  /** "Reallocate now": one `reallocate` decision over the results picked on the page (members and up). */
  reallocate: async (event) => {
    const ws = requireWorkspace(event.locals, event.params.ws ?? '');
    if (!atLeast(ws.role, 'member')) return fail(403, { error: 'Only members, admins and owners can move the budget.' });
    const form = await event.request.formData();
    const by = text(form, 'by') === 'channel' ? 'channel' : 'variant';
    const metric = (ALLOCATE_METRICS as readonly string[]).includes(text(form, 'metric')) ? text(form, 'metric') : 'clicked';
    const resultsCampaign = text(form, 'resultsCampaign');
    const r = await callContract<AllocationDecision>(api(event), ws.slug, 'campaigns', 'reallocate', {
      campaignId: event.params.id,
      by,
      metric,
      ...(resultsCampaign ? { resultsCampaign } : {}),
    });
    // a policy may hold the call for an approver: say so (the decision is made once it is approved)
    if (!r.output && !r.code) return { held: r.error ?? 'waiting for approval' };
    if (!r.output) return fail(r.code?.endsWith('NOT_FOUND') || r.code?.endsWith('INVALID') ? 400 : 502, { error: r.error, code: r.code });
    const back = new URLSearchParams();
    for (const k of ['results', 'metric', 'range', 'from', 'to', 'split'])
      if (event.url.searchParams.get(k)) back.set(k, event.url.searchParams.get(k)!);
    redirect(303, `${event.url.pathname}${back.size ? `?${back}` : ''}#allocation`);
  },
}) satisfies Actions;
