/**
 * Shapes eco's `usage_summary` output (plugins/eco/src/summary.ts) for the usage page: the
 * per-day series (gaps filled with zero days, so a chart's x axis is honest) and the breakdowns
 * by tool and by model. Pure functions: the server-rendered tables and the browser's charts read
 * the same rows.
 */

export interface UsageCounter {
  calls: number;
  llmCalls?: number;
  totalTokens: number;
  wh: number;
  co2eG: number;
}

export interface UsageDay {
  day: string;
  calls: number;
  totalTokens: number;
  wh: number;
  co2eG: number;
}

/** The part of eco's SummarySchema the console reads. */
export interface UsageSummary {
  from: string | null;
  to: string | null;
  days: number;
  totals: UsageCounter & { llmCalls: number; durationMs: number };
  byStatus?: Record<string, number>;
  byModel?: Record<string, UsageCounter>;
  byTool?: Record<string, UsageCounter>;
  byDay?: UsageDay[];
}

export interface BreakdownRow {
  name: string;
  /** What the table and chart show: the name in words (a tool as "Content agent · Draft"), else the name. */
  label: string;
  calls: number;
  totalTokens: number;
  wh: number;
  co2eG: number;
}

const DAY_MS = 86_400_000;
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

/**
 * The days in order, with the days between the first and the last that had no calls added as
 * zeros. Past `maxDays` (a long, sparse range) the gaps are not filled: the rows as given.
 */
export function dailySeries(byDay: readonly UsageDay[] | undefined, maxDays = 366): UsageDay[] {
  const days = [...(byDay ?? [])].filter((d) => Number.isFinite(dayMs(d.day))).sort((a, b) => a.day.localeCompare(b.day));
  const first = days[0];
  const last = days[days.length - 1];
  if (!first || !last) return [];
  const span = Math.round((dayMs(last.day) - dayMs(first.day)) / DAY_MS) + 1;
  if (span > maxDays) return days;
  const have = new Map(days.map((d) => [d.day, d]));
  const out: UsageDay[] = [];
  for (let i = 0; i < span; i++) {
    const day = new Date(dayMs(first.day) + i * DAY_MS).toISOString().slice(0, 10);
    out.push(have.get(day) ?? { day, calls: 0, totalTokens: 0, wh: 0, co2eG: 0 });
  }
  return out;
}

/** A breakdown (by tool or by model), largest `sortBy` first, the top `limit` rows; `labels` names a row in words. */
export function breakdown(
  by: Record<string, UsageCounter> | undefined,
  sortBy: 'calls' | 'totalTokens' | 'wh' = 'calls',
  limit = 12,
  labels: Readonly<Record<string, string>> = {},
): BreakdownRow[] {
  return Object.entries(by ?? {})
    .map(([name, c]) => ({ name, label: labels[name] ?? name, calls: c.calls, totalTokens: c.totalTokens, wh: c.wh, co2eG: c.co2eG }))
    .sort((a, b) => b[sortBy] - a[sortBy] || a.name.localeCompare(b.name))
    .slice(0, limit);
}

/** A short figure for tables and chart labels: up to `digits` decimals, no trailing zeros. */
export function figure(n: number, digits = 3): string {
  return Number(n.toFixed(digits)).toLocaleString('en-US', { maximumFractionDigits: digits });
}
