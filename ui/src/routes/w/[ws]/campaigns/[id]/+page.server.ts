import { FUNNEL_STAGES } from '@neonhub/schemas';
import { error, fail, redirect } from '@sveltejs/kit';
import { type AllocationDecision, type CampaignDetail, resultsNameOf } from '$lib/campaigns';
import { atLeast } from '$lib/nav';
import { api, enc } from '$lib/server/api';
import { guardedActions, requireWorkspace, text } from '$lib/server/guard';
import { callContract, workspaceContracts } from '$lib/server/plugins';
import type { Actions, PageServerLoad } from './$types';

const DAY_MS = 86_400_000;
/** The series shows the campaign's days up to today, at most this many. */
const MAX_DAYS = 90;
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
  const contracts = await workspaceContracts(client, ws);
  if (!contracts.campaigns) redirect(303, `/w/${enc(ws)}/campaigns`);
  const [got, history, withResults] = await Promise.all([
    callContract<CampaignDetail>(client, ws, 'campaigns', 'get_campaign', { campaignId }, contracts),
    callContract<{ decisions: AllocationDecision[] }>(client, ws, 'campaigns', 'allocation_history', { campaignId, limit: 20 }, contracts),
    client.request('listCampaigns', { params: { ws } }),
  ]);
  if (!got.output)
    error(got.code?.endsWith('NOT_FOUND') ? 404 : 502, { message: got.error ?? 'error', ...(got.code ? { code: got.code } : {}) });
  const { campaign } = got.output;
  const q = event.url.searchParams;

  // Which results are this campaign's: ?results= (picked on the page), else the id or the name they were sent under
  const names = withResults.ok ? withResults.data.campaigns.map((c) => c.campaign) : [];
  const asked = q.get('results');
  const resultsCampaign = asked && names.includes(asked) ? asked : resultsNameOf(campaign, names);

  // The series: from the campaign's start (at most 90 days back) to today or its end
  const today = dayOf(Date.now());
  const to = firstDay(campaign.endDate, today);
  const from = lastDay(campaign.startDate, dayOf(Date.parse(`${to}T00:00:00Z`) - (MAX_DAYS - 1) * DAY_MS));
  const started = campaign.startDate <= today;
  const [series, funnel, attribution] = resultsCampaign
    ? await Promise.all([
        started ? client.request('campaignSeries', { params: { ws, campaign: resultsCampaign }, query: { from, to } }) : null,
        client.request('funnel', { params: { ws, campaign: resultsCampaign } }),
        client.request('attribution', { params: { ws }, query: {} }),
      ])
    : [null, null, null];
  const kinds = series?.ok ? series.data.series.map((s) => s.kind) : [];
  const askedMetric = q.get('metric') ?? '';
  const metric = METRICS.includes(askedMetric) ? askedMetric : kinds.includes('clicked') ? 'clicked' : (kinds[0] ?? 'clicked');

  return {
    ...got.output,
    resultNames: names,
    resultsCampaign,
    metric,
    metrics: METRICS,
    series: series?.ok ? series.data : null,
    seriesError: series && !series.ok ? series.error.message : null,
    funnel: funnel?.ok ? funnel.data : null,
    attribution: attribution?.ok ? attribution.data.rows.filter((r) => r.campaign === resultsCampaign) : [],
    attributionWindow: attribution?.ok ? attribution.data.windowDays : null,
    decisions: history.output?.decisions ?? [],
    historyError: history.error ?? null,
    /** Allocate across variants when the campaign has some, else across its channels. */
    defaultBy: got.output.variants.length > 0 ? 'variant' : 'channel',
    allocateMetrics: ALLOCATE_METRICS,
  };
};

export const actions = guardedActions({
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
    for (const k of ['results', 'metric']) if (event.url.searchParams.get(k)) back.set(k, event.url.searchParams.get(k)!);
    redirect(303, `${event.url.pathname}${back.size ? `?${back}` : ''}#allocation`);
  },
}) satisfies Actions;
