import type { DB, Kysely } from '@neonhub/db';
import { sql } from '@neonhub/db';

type Db = Kysely<DB>;

/**
 * The results' days are the workspace's: a result counts on the calendar day it happened in the workspace's time zone
 * (`workspaces.time_zone`, the one schedules use; UTC by default), by that zone's rules at that instant — so an event
 * at 23:30 in New York is on that day, not the next UTC one, and the days around a DST change are 23 or 25 hours long
 * without losing or doubling an event.
 */
const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formats.set(zone, f);
  }
  return f;
}

/** The calendar day (YYYY-MM-DD) `at` falls on in `zone`; a zone the runtime does not know counts as UTC. */
export function dayIn(at: Date, zone: string): string {
  if (zone === 'UTC') return at.toISOString().slice(0, 10);
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = formatIn(zone).formatToParts(at);
  } catch {
    return at.toISOString().slice(0, 10);
  }
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Today in `zone`. */
export const todayIn = (zone: string, now = Date.now()) => dayIn(new Date(now), zone);

/**
 * The time zones of workspaces (UTC for one not found). In a transaction (recording events) the rows are read `for
 * share`: a change of zone waits for the events being recorded on the old zone's days, and the move to the new days
 * that follows it (rebucketResults) then sees them.
 */
export async function zonesOf(db: Db, workspaceIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(workspaceIds)];
  let q = db.selectFrom('workspaces').select(['id', 'time_zone']).where('id', 'in', ids);
  if (db.isTransaction) q = q.forShare();
  const rows = ids.length ? await q.execute() : [];
  const out = new Map(rows.map((r) => [r.id, r.time_zone || 'UTC']));
  for (const id of ids) if (!out.has(id)) out.set(id, 'UTC');
  return out;
}

export const zoneOf = async (db: Db, workspaceId: string) => (await zonesOf(db, [workspaceId])).get(workspaceId)!;

/**
 * Puts a workspace's results on the days of its (new) time zone: each event's day again from its time, then the daily
 * counts again from the events (a pulled metric's event adds its increase, `data.total - data.previous`, as when it
 * was recorded). One transaction: a read sees the old days or the new ones, never a mix.
 */
export async function rebucketResults(db: Db, workspaceId: string, zone: string): Promise<void> {
  if (!db.isTransaction) return db.transaction().execute((trx) => rebucketResults(trx, workspaceId, zone));
  await sql`update result_events set day = (occurred_at at time zone ${zone})::date
    where workspace_id = ${workspaceId} and day <> (occurred_at at time zone ${zone})::date`.execute(db);
  await db.deleteFrom('result_daily').where('workspace_id', '=', workspaceId).execute();
  await sql`insert into result_daily (workspace_id, campaign, variant, channel, kind, day, count)
    select workspace_id, campaign, variant, channel, kind, day,
      sum(case when data ? 'previous' and data ? 'total' and source like 'metrics:%'
        then (data->>'total')::numeric - (data->>'previous')::numeric else 1 end)
    from result_events where workspace_id = ${workspaceId}
    group by workspace_id, campaign, variant, channel, kind, day`.execute(db);
}
