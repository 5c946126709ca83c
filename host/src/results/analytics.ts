import type { DB, Kysely } from '@neonhub/db';
import { sql } from '@neonhub/db';
import { FUNNEL_STAGES } from '@neonhub/schemas';
import { probabilityBest, rate } from './beta.js';

type Db = Kysely<DB>;

/** The funnel query: event counts of one campaign by variant, channel and kind, summed from the daily counts (result_daily). */
export function funnelCounts(db: Db, workspaceId: string, campaign: string) {
  return db
    .selectFrom('result_daily')
    .select(['variant', 'channel', 'kind', (eb) => eb.fn.sum<string | number>('count').as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('campaign', '=', campaign)
    .groupBy(['variant', 'channel', 'kind'])
    .execute();
}

/** A campaign's funnel per variant and channel, with Beta credible intervals and each variant's probability of being best. */
export async function funnel(db: Db, workspaceId: string, campaign: string) {
  const counts = await funnelCounts(db, workspaceId, campaign);
  const rows = new Map<string, { variant: string; channel: string; counts: Record<string, number> }>();
  const totals: Record<string, number> = Object.fromEntries(FUNNEL_STAGES.map((s) => [s, 0]));
  for (const c of counts) {
    const key = `${c.variant}\u0000${c.channel}`;
    const row = rows.get(key) ?? { variant: c.variant, channel: c.channel, counts: Object.fromEntries(FUNNEL_STAGES.map((s) => [s, 0])) };
    row.counts[c.kind] = Number(c.n);
    totals[c.kind] = (totals[c.kind] ?? 0) + Number(c.n);
    rows.set(key, row);
  }
  const out = [...rows.values()]
    .sort((a, b) => a.variant.localeCompare(b.variant) || a.channel.localeCompare(b.channel))
    .map((r) => {
      const sent = Math.max(r.counts.sent ?? 0, r.counts.delivered ?? 0, r.counts.clicked ?? 0);
      return {
        ...r,
        clickRate: rate(r.counts.clicked ?? 0, sent),
        conversionRate: rate(r.counts.converted ?? 0, sent),
      };
    });
  const byVariant = new Map<string, { successes: number; trials: number }>();
  for (const r of out) {
    const v = byVariant.get(r.variant) ?? { successes: 0, trials: 0 };
    v.successes += r.clickRate.successes;
    v.trials += r.clickRate.trials;
    byVariant.set(r.variant, v);
  }
  const arms = [...byVariant].map(([key, v]) => ({ key, ...v }));
  return { campaign, stages: [...FUNNEL_STAGES], totals, rows: out, probabilityBest: arms.length > 1 ? probabilityBest(arms, 7) : {} };
}

/** Campaigns with results, most recent first. */
export async function campaigns(db: Db, workspaceId: string) {
  const rows = await db
    .selectFrom('result_events')
    .select(['campaign', (eb) => eb.fn.countAll<string | number>().as('n'), (eb) => eb.fn.max('occurred_at').as('last_at')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('campaign')
    .orderBy('last_at', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({ campaign: r.campaign, events: Number(r.n), lastAt: new Date(r.last_at as Date).toISOString() }));
}

/**
 * Attribution over stored touchpoints: for each conversion with a contact, that contact's clicks in the window
 * before it. First-touch credits the earliest click's campaign and channel, last-touch the latest, linear 1/n
 * each. A conversion without a click before it is counted but credited to nobody.
 */
export async function attribution(db: Db, workspaceId: string, windowDays: number) {
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
  const total = await db
    .selectFrom('result_events')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'converted')
    .executeTakeFirstOrThrow();
  const round = (x: number) => Math.round(Number(x) * 1e6) / 1e6;
  return {
    conversions: Number(total.n),
    windowDays,
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
