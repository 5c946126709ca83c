import type { CampaignDetail } from '$lib/campaigns';
import { analyticsRange, campaignAnalytics, campaignNames, otherCampaignNames, splitOf, variantNames } from '$lib/server/analytics';
import { api } from '$lib/server/api';
import { callContract, workspaceContracts } from '$lib/server/plugins';
import type { RequestHandler } from './$types';

const cell = (v: unknown) => {
  const s = String(v ?? '');
  // a leading = + - @ would be a formula in a spreadsheet: quote it as text
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};
const r5 = (x: number) => x.toFixed(5);

/**
 * What the analytics page shows, as one CSV of blocks, for the same campaign, days and split: the range; the funnel
 * per variant and channel; the variants and the channels compared (rates with their 95% interval, P(best)); the daily
 * series (the total, or per variant / channel: count, expected count, `high`/`low` on an unusual day); and the
 * attribution of the range's conversions. Campaigns and variants by their names.
 */
export const GET: RequestHandler = async (event) => {
  const ws = event.params.ws;
  const client = api(event);
  const q = event.url.searchParams;
  const campaign = q.get('c') || null;
  const zone = await client.request('getTimeZone', { params: { ws } });
  const timeZone = zone.ok ? zone.data.timeZone : 'UTC';
  const range = analyticsRange(event, timeZone);
  const split = splitOf(q);
  const contracts = await workspaceContracts(client, ws);
  const names = await campaignNames(client, ws, contracts);
  const detail =
    campaign && names[campaign]
      ? await callContract<CampaignDetail>(client, ws, 'campaigns', 'get_campaign', { campaignId: campaign }, contracts)
      : null;
  const variants = variantNames(detail?.output ?? null);
  const { funnel: f, series: s, attribution: a } = await campaignAnalytics(client, ws, campaign, range, split);
  // a run's sends by the run's goal (the campaign shown and those the attribution credits)
  const keys = [...new Set([...(campaign ? [campaign] : []), ...(a?.rows.map((r) => r.campaign) ?? [])])];
  const shown = { ...(await otherCampaignNames(client, ws, keys, timeZone)), ...names };
  const nameOf = (c: string) => shown[c] ?? c;
  const variantOf = (v: string) => variants[v] ?? v;

  const lines: unknown[][] = [['from', 'to', 'days'], [range.from, range.to, range.days], []];
  if (campaign && f && s) {
    lines.push(['campaign', 'variant', 'channel', ...f.stages, 'click_rate', 'click_rate_low', 'click_rate_high']);
    for (const r of f.rows)
      lines.push([
        nameOf(campaign),
        variantOf(r.variant),
        r.channel,
        ...f.stages.map((st) => r.counts[st] ?? 0),
        r5(r.clickRate.mean),
        r5(r.clickRate.low),
        r5(r.clickRate.high),
      ]);
    lines.push([]);
    for (const [by, rows] of [
      ['variant', f.variants],
      ['channel', f.channels],
    ] as const) {
      lines.push([by, ...f.stages, 'click_rate', 'click_rate_low', 'click_rate_high', 'conversion_rate', 'p_best']);
      for (const r of rows)
        lines.push([
          by === 'variant' ? variantOf(r.key) : r.key,
          ...f.stages.map((st) => r.counts[st] ?? 0),
          r5(r.clickRate.mean),
          r5(r.clickRate.low),
          r5(r.clickRate.high),
          r5(r.conversionRate.mean),
          r.probabilityBest === null ? '' : r.probabilityBest.toFixed(4),
        ]);
      lines.push([]);
    }
    const groups =
      split !== 'total' && s.breakdown
        ? s.breakdown.groups.map((g) => ({ key: split === 'variant' ? variantOf(g.key) : g.key, series: g.series }))
        : [{ key: 'all', series: s.series }];
    lines.push(['day', split === 'total' ? 'split' : split, 'metric', 'count', 'expected', 'unusual']);
    for (const g of groups)
      for (const k of g.series) {
        const flagged = new Map(k.anomalies.map((x) => [x.day, x.direction]));
        s.days.forEach((day, i) => {
          lines.push([day, g.key, k.kind, k.values[i] ?? 0, k.expected[i] ?? 0, flagged.get(day) ?? '']);
        });
      }
    lines.push([]);
  }
  lines.push(['attribution_campaign', 'channel', 'first_touch', 'last_touch', 'linear', 'value_first', 'value_last', 'value_linear']);
  for (const r of a.rows)
    lines.push([nameOf(r.campaign), r.channel, r.firstTouch, r.lastTouch, r.linear, r.value.firstTouch, r.value.lastTouch, r.value.linear]);
  const body = `${lines.map((l) => l.map(cell).join(',')).join('\n')}\n`;
  const file = `${campaign ? nameOf(campaign) : 'attribution'}-${range.from}-to-${range.to}`.replace(/[^\w.-]+/g, '_');
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${file}.csv"`,
    },
  });
};
