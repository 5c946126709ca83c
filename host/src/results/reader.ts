import type { DB, Kysely } from '@neonhub/db';
import { sql } from '@neonhub/db';
import type { ContentResultRow, DailyResultRow, ResultsReader } from '@neonhub/sdk';
import { audienceErrors } from '../audiences/errors.js';
import { campaigns } from './analytics.js';
import { todayIn, zoneOf } from './days.js';

type Db = Kysely<DB>;

/** The longest range one read may ask for (days). */
export const MAX_RANGE_DAYS = 400;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A real YYYY-MM-DD day (not 2026-02-30) as the time of its midnight in UTC (only to count days), else NaN. */
function parseDay(day: string): number {
  if (!DAY.test(day)) return Number.NaN;
  const t = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === day ? t : Number.NaN;
}

/** Checks a [from, to] range of days (NH_RESULTS_RANGE_INVALID) and returns its length in days. */
export function checkRange(from: string, to: string): number {
  const a = parseDay(from);
  const b = parseDay(to);
  if (Number.isNaN(a) || Number.isNaN(b))
    throw audienceErrors.create('NH_RESULTS_RANGE_INVALID', `from and to must be days as YYYY-MM-DD (got ${from} and ${to})`);
  const days = (b - a) / 86_400_000 + 1;
  if (days < 1 || days > MAX_RANGE_DAYS)
    throw audienceErrors.create('NH_RESULTS_RANGE_INVALID', `from ${from} to ${to} is ${days} days: give 1 to ${MAX_RANGE_DAYS}`, {
      details: { from, to },
    });
  return days;
}

/**
 * Checks optional bounds of a range of days (NH_RESULTS_RANGE_INVALID): each a real day, and with both, from on
 * or before to and at most MAX_RANGE_DAYS long. No bound: unbounded on that side.
 */
export function checkBounds(from: string | undefined, to: string | undefined): { from: string | null; to: string | null } {
  if (from !== undefined && to !== undefined) checkRange(from, to);
  for (const day of [from, to])
    if (day !== undefined && Number.isNaN(parseDay(day)))
      throw audienceErrors.create('NH_RESULTS_RANGE_INVALID', `from and to must be days as YYYY-MM-DD (got ${day})`);
  return { from: from ?? null, to: to ?? null };
}

/** Daily counts of a workspace (result_daily) for days in [from, to], days in the workspace's time zone (results/days.ts). */
export async function dailyCounts(
  db: Db,
  workspaceId: string,
  q: { from: string; to: string; campaign?: string | undefined; kinds?: readonly string[] | undefined },
): Promise<DailyResultRow[]> {
  checkRange(q.from, q.to);
  if (q.kinds && q.kinds.length === 0) return [];
  let query = db
    .selectFrom('result_daily')
    .select(['campaign', 'variant', 'channel', 'kind', sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'), 'count'])
    .where('workspace_id', '=', workspaceId)
    .where('day', '>=', q.from)
    .where('day', '<=', q.to);
  if (q.campaign !== undefined) query = query.where('campaign', '=', q.campaign);
  if (q.kinds) query = query.where('kind', 'in', [...q.kinds]);
  const rows = await query.orderBy('day').orderBy('campaign').orderBy('variant').orderBy('channel').orderBy('kind').execute();
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

/**
 * Counts per draft (content id) and kind for events in [from, to] (result_events, by its partial content index): the
 * engagement each draft earned, with the prompt variant its sends named.
 */
export async function contentCounts(
  db: Db,
  workspaceId: string,
  q: { from: string; to: string; kinds?: readonly string[] | undefined },
): Promise<ContentResultRow[]> {
  checkRange(q.from, q.to);
  if (q.kinds && q.kinds.length === 0) return [];
  let query = db
    .selectFrom('result_events')
    .select([
      'content_id',
      sql<string>`coalesce(max(prompt_variant), '')`.as('prompt_variant'),
      'kind',
      (eb) => eb.fn.countAll<string | number>().as('n'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('content_id', 'is not', null)
    .where('day', '>=', q.from)
    .where('day', '<=', q.to);
  if (q.kinds) query = query.where('kind', 'in', [...q.kinds]);
  const rows = await query.groupBy(['content_id', 'kind']).orderBy('content_id').orderBy('kind').execute();
  return rows.map((r) => ({ contentId: r.content_id!, promptVariant: r.prompt_variant, kind: r.kind, count: Number(r.n) }));
}

const DAY_MS = 86_400_000;
const shift = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/**
 * A plugin's range as the workspace's days: one that reaches today by the UTC clock (how a plugin says "up to now")
 * reaches the workspace's today too, which in a zone east of UTC is a day later for part of the day — else the
 * freshest results would be left out until UTC midnight. Its length is kept (the start moves a day with it when it
 * would pass the longest range).
 */
export function reachToday<Q extends { from: string; to: string }>(q: Q, zone: string, now = Date.now()): Q {
  const today = todayIn(zone, now);
  if (q.to < todayIn('UTC', now) || q.to >= today) return q;
  const length = (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${q.from}T00:00:00Z`)) / DAY_MS + 1;
  return { ...q, from: length > MAX_RANGE_DAYS ? shift(q.from, length - MAX_RANGE_DAYS) : q.from, to: today };
}

/** `ctx.results` of a call: the workspace's stored results, read only. */
export function createResultsReader(db: Db, workspaceId: string): ResultsReader {
  const inZone = async <Q extends { from: string; to: string }>(q: Q) => {
    checkRange(q.from, q.to);
    return reachToday(q, await zoneOf(db, workspaceId));
  };
  return {
    daily: async (q) => dailyCounts(db, workspaceId, await inZone(q)),
    campaigns: () => campaigns(db, workspaceId),
    byContent: async (q) => contentCounts(db, workspaceId, await inZone(q)),
  };
}
