import type { DB, Kysely } from '@neonhub/db';
import { sql } from '@neonhub/db';
import { FUNNEL_STAGES } from '@neonhub/schemas';
import { probabilityBest, rate } from './beta.js';
import { campaignIdsOf } from './campaign-links.js';

type Db = Kysely<DB>;

/** A range of days (in the workspace's time zone), either bound optional (null or absent: unbounded). */
export interface DayBounds {
  from?: string | null | undefined;
  to?: string | null | undefined;
}

/** The funnel query: event counts of one campaign by variant, channel and kind, summed from the daily counts (result_daily). */
export function funnelCounts(db: Db, workspaceId: string, campaign: string, range: DayBounds = {}) {
  let q = db
    .selectFrom('result_daily')
    .select(['variant', 'channel', 'kind', (eb) => eb.fn.sum<string | number>('count').as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('campaign', '=', campaign);
  if (range.from) q = q.where('day', '>=', range.from);
  if (range.to) q = q.where('day', '<=', range.to);
  return q.groupBy(['variant', 'channel', 'kind']).execute();
}

const zeroCounts = () => Object.fromEntries(FUNNEL_STAGES.map((s) => [s, 0])) as Record<string, number>;
/** The sends a rate is over: the largest of sent, delivered and clicked (a click without a recorded send still counts). */
const sendsOf = (counts: Record<string, number>) => Math.max(counts.sent ?? 0, counts.delivered ?? 0, counts.clicked ?? 0);

/** Rows summed by one key (variant or channel), with rates and each one's probability of the best click rate. */
function compare(
  rows: ReadonlyArray<{ variant: string; channel: string; counts: Record<string, number> }>,
  by: 'variant' | 'channel',
  seed: number,
) {
  const sums = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const sum = sums.get(r[by]) ?? zeroCounts();
    for (const [k, n] of Object.entries(r.counts)) sum[k] = (sum[k] ?? 0) + n;
    sums.set(r[by], sum);
  }
  const out = [...sums].map(([key, counts]) => ({
    key,
    counts,
    clickRate: rate(counts.clicked ?? 0, sendsOf(counts)),
    conversionRate: rate(counts.converted ?? 0, sendsOf(counts)),
  }));
  const best =
    out.length > 1
      ? probabilityBest(
          out.map((o) => ({ key: o.key, successes: o.clickRate.successes, trials: o.clickRate.trials })),
          seed,
        )
      : {};
  return out.map((o) => ({ ...o, probabilityBest: best[o.key] ?? null }));
}

/**
 * A campaign's funnel per variant and channel over a range of days (default: all its results), with Beta credible
 * intervals, and the variants and the channels compared (each summed over the other) with their probability of
 * having the best click rate.
 */
export async function funnel(db: Db, workspaceId: string, campaign: string, range: DayBounds = {}) {
  const counts = await funnelCounts(db, workspaceId, campaign, range);
  const rows = new Map<string, { variant: string; channel: string; counts: Record<string, number> }>();
  const totals: Record<string, number> = zeroCounts();
  for (const c of counts) {
    const key = `${c.variant}\u0000${c.channel}`;
    const row = rows.get(key) ?? { variant: c.variant, channel: c.channel, counts: zeroCounts() };
    row.counts[c.kind] = Number(c.n);
    totals[c.kind] = (totals[c.kind] ?? 0) + Number(c.n);
    rows.set(key, row);
  }
  const out = [...rows.values()]
    .sort((a, b) => a.variant.localeCompare(b.variant) || a.channel.localeCompare(b.channel))
    .map((r) => ({
      ...r,
      clickRate: rate(r.counts.clicked ?? 0, sendsOf(r.counts)),
      conversionRate: rate(r.counts.converted ?? 0, sendsOf(r.counts)),
    }));
  const variants = compare(out, 'variant', 7);
  const channels = compare(out, 'channel', 11);
  const probabilityBestByVariant = Object.fromEntries(
    variants.flatMap((v) => (v.probabilityBest === null ? [] : [[v.key, v.probabilityBest]])),
  );
  return {
    campaign,
    from: range.from ?? null,
    to: range.to ?? null,
    stages: [...FUNNEL_STAGES],
    totals,
    rows: out,
    probabilityBest: probabilityBestByVariant,
    variants,
    channels,
  };
}

/** Campaigns with results, most recent first. */
export async function campaigns(db: Db, workspaceId: string) {
  const rows = await db
    .selectFrom('result_events')
    .select(['campaign', (eb) => eb.fn.countAll<string | number>().as('n'), (eb) => eb.fn.max('occurred_at').as('last_at')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('campaign')
    .orderBy('last_at', 'desc')
    .orderBy('campaign')
    .limit(200)
    .execute();
  const linked = await campaignIdsOf(
    db,
    workspaceId,
    rows.map((r) => r.campaign),
  );
  return rows.map((r) => ({
    campaign: r.campaign,
    events: Number(r.n),
    lastAt: new Date(r.last_at as Date).toISOString(),
    campaignIds: linked.get(r.campaign) ?? [],
  }));
}

/**
 * Attribution over stored touchpoints: for each conversion with a contact, that contact's clicks in the window
 * before it. First-touch credits the earliest click's campaign and channel, last-touch the latest, linear 1/n
 * each. A conversion without a click before it is counted but credited to nobody.
 */
export async function attribution(db: Db, workspaceId: string, windowDays: number, range: DayBounds = {}) {
  // conversions of the days [from, to] in the workspace's time zone (each event's `day`: results/days.ts)
  const after = range.from ?? null;
  const before = range.to ?? null;
  const result = await sql<{
    campaign: string;
    channel: string;
    first_touch: number;
    last_touch: number;
    linear: number;
    first_value: number;
    last_value: number;
    linear_value: number;
  }>`
    with conv as (
      select id, contact_id, occurred_at, coalesce(value, 0) as value
      from result_events
      where workspace_id = ${workspaceId} and kind = 'converted' and contact_id is not null
        and (${after}::date is null or day >= ${after}::date)
        and (${before}::date is null or day <= ${before}::date)
    ),
    tp as (
      select c.id as conv_id, c.value, e.campaign, e.channel,
        row_number() over (partition by c.id order by e.occurred_at asc, e.id asc) as rn_first,
        row_number() over (partition by c.id order by e.occurred_at desc, e.id desc) as rn_last,
        count(*) over (partition by c.id) as n
      from conv c
      join result_events e on e.workspace_id = ${workspaceId} and e.contact_id = c.contact_id and e.kind = 'clicked'
        and e.occurred_at <= c.occurred_at and e.occurred_at > c.occurred_at - make_interval(days => ${windowDays})
    )
    select campaign, channel,
      sum(case when rn_first = 1 then 1 else 0 end)::float8 as first_touch,
      sum(case when rn_last = 1 then 1 else 0 end)::float8 as last_touch,
      sum(1.0 / n)::float8 as linear,
      sum(case when rn_first = 1 then value else 0 end)::float8 as first_value,
      sum(case when rn_last = 1 then value else 0 end)::float8 as last_value,
      sum(value / n)::float8 as linear_value
    from tp group by campaign, channel order by campaign, channel`.execute(db);
  let totalQuery = db
    .selectFrom('result_events')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'converted');
  if (after) totalQuery = totalQuery.where('day', '>=', after);
  if (before) totalQuery = totalQuery.where('day', '<=', before);
  const total = await totalQuery.executeTakeFirstOrThrow();
  const round = (x: number) => Math.round(Number(x) * 1e6) / 1e6;
  return {
    conversions: Number(total.n),
    windowDays,
    from: range.from ?? null,
    to: range.to ?? null,
    rows: result.rows.map((r) => ({
      campaign: r.campaign,
      channel: r.channel,
      firstTouch: round(r.first_touch),
      lastTouch: round(r.last_touch),
      linear: round(r.linear),
      value: { firstTouch: round(r.first_value), lastTouch: round(r.last_value), linear: round(r.linear_value) },
    })),
  };
}
