import { api } from '$lib/server/api';
import { orError } from '$lib/server/guard';
import type { RequestHandler } from './$types';

const cell = (v: unknown) => {
  const s = String(v ?? '');
  // a leading = + - @ would be a formula in a spreadsheet: quote it as text
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

/**
 * The campaign's funnel per variant and channel, its daily series (the last 28 days: each metric's count, the
 * expected count and whether the day was unusual), and the attribution table, as one CSV of three blocks.
 */
export const GET: RequestHandler = async (event) => {
  const ws = event.params.ws;
  const campaign = event.url.searchParams.get('c') ?? '';
  const client = api(event);
  const lines: unknown[][] = [];
  if (campaign) {
    const f = orError(await client.request('funnel', { params: { ws, campaign } }));
    lines.push(['campaign', 'variant', 'channel', ...f.stages, 'click_rate', 'click_rate_low', 'click_rate_high', 'p_best']);
    for (const r of f.rows)
      lines.push([
        campaign,
        r.variant,
        r.channel,
        ...f.stages.map((s) => r.counts[s] ?? 0),
        r.clickRate.mean.toFixed(5),
        r.clickRate.low.toFixed(5),
        r.clickRate.high.toFixed(5),
        f.probabilityBest[r.variant]?.toFixed(4) ?? '',
      ]);
    lines.push([]);
    const s = orError(await client.request('campaignSeries', { params: { ws, campaign }, query: {} }));
    lines.push(['day', 'metric', 'count', 'expected', 'unusual']);
    for (const k of s.series) {
      const flagged = new Map(k.anomalies.map((a) => [a.day, a.direction]));
      s.days.forEach((day, i) => {
        lines.push([day, k.kind, k.values[i] ?? 0, k.expected[i] ?? 0, flagged.get(day) ?? '']);
      });
    }
    lines.push([]);
  }
  const a = orError(await client.request('attribution', { params: { ws }, query: {} }));
  lines.push(['attribution_campaign', 'channel', 'first_touch', 'last_touch', 'linear', 'value_first', 'value_last', 'value_linear']);
  for (const r of a.rows)
    lines.push([r.campaign, r.channel, r.firstTouch, r.lastTouch, r.linear, r.value.firstTouch, r.value.lastTouch, r.value.linear]);
  const body = `${lines.map((l) => l.map(cell).join(',')).join('\n')}\n`;
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${(campaign || 'attribution').replace(/[^\w.-]/g, '_')}-results.csv"`,
    },
  });
};
