import type { DB, Kysely } from '@neonhub/db';
import { FUNNEL_STAGES } from '@neonhub/schemas';
import { type DailyResultRow, daysBetween, denseSeries, detectDailyAnomalies } from '@neonhub/sdk';
import { todayIn, zoneOf } from './days.js';
import { checkRange, dailyCounts } from './reader.js';

type Db = Kysely<DB>;

const DAY_MS = 86_400_000;
const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * A campaign's daily series per kind with the anomalies marked: the counts of result_daily summed over variants and
 * channels, and detectDailyAnomalies (the insight agent's method) over each. Funnel kinds first, then the others.
 * With `by`, also the same per variant (or channel), each series judged on its own: a spike in one variant that the
 * total hides is still marked there.
 */
export async function campaignSeries(
  db: Db,
  workspaceId: string,
  campaign: string,
  range: { from?: string | undefined; to?: string | undefined; by?: 'variant' | 'channel' | undefined },
) {
  // today in the workspace's time zone, whose days the results are counted on
  const to = range.to ?? todayIn(await zoneOf(db, workspaceId));
  checkRange(to, to);
  const from = range.from ?? dayOf(Date.parse(`${to}T00:00:00Z`) - 27 * DAY_MS);
  const rows = await dailyCounts(db, workspaceId, { from, to, campaign });
  const days = daysBetween(from, to);
  const by = range.by;
  const breakdown = by
    ? {
        by,
        groups: [...new Set(rows.map((r) => r[by]))].sort().map((key) => ({
          key,
          series: kindSeries(
            days,
            rows.filter((r) => r[by] === key),
          ),
        })),
      }
    : null;
  return { campaign, from, to, days, series: kindSeries(days, rows), breakdown };
}

/** One dense series per kind over `days`, with what each day was expected to be and the unusual days. */
function kindSeries(days: string[], rows: readonly DailyResultRow[]) {
  const kinds = [...new Set(rows.map((r) => r.kind))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return kinds.map((kind) => {
    const values = denseSeries(
      days,
      rows.filter((r) => r.kind === kind),
    );
    // days before the first count are before the campaign began: judged from its first day, they are not unusual
    const first = Math.max(
      0,
      values.findIndex((v) => v > 0),
    );
    const found = detectDailyAnomalies(values.slice(first), { days: days.slice(first) });
    return {
      kind,
      values,
      expected: [...values.slice(0, first), ...found.expected.map((x) => Math.round(x * 100) / 100)],
      weekly: found.weekly,
      anomalies: found.anomalies.map((a) => ({
        day: a.day!,
        value: a.value,
        expected: a.expected,
        score: a.score,
        direction: a.direction,
      })),
    };
  });
}

const rank = (kind: string) => {
  const i = (FUNNEL_STAGES as readonly string[]).indexOf(kind);
  return i === -1 ? FUNNEL_STAGES.length : i;
};
