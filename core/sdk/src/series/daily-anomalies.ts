/**
 * Anomalies in a daily count series (events per day), the one method shared by the insight agent and the results
 * API, so the console marks the same days the digest names.
 *
 * Counts are put on a variance-stabilised scale first (Anscombe: y = 2·√(x + 3/8), whose variance is about 1 for
 * Poisson counts at any level), so a day with 3 conversions and a day with 3,000 sends are judged alike. The
 * expected value of a day is the median of the window, plus that weekday's median offset when the window holds
 * three weeks or more and the weekly pattern explains the data (it cuts the residuals' spread by a quarter). A day
 * is an anomaly when its residual is more than `threshold` robust standard deviations from the median residual
 * (1.4826·MAD, never below the Poisson noise of 1) and it differs from the expected count by at least `minChange`.
 */

export interface DailyAnomaly {
  /** Index in the series. */
  index: number;
  /** The day (YYYY-MM-DD) when days were given. */
  day?: string;
  value: number;
  /** The count the window predicts for that day. */
  expected: number;
  /** Robust z-score on the stabilised scale. */
  score: number;
  direction: 'high' | 'low';
}

export interface DailyAnomalyOptions {
  /** The days of the points (YYYY-MM-DD, consecutive): give them for the weekly pattern and for `day` in the answer. */
  days?: readonly string[];
  /** |robust z| above which a day is an anomaly (default 4.5: about one false alarm in 150,000 quiet days at normal noise). */
  threshold?: number;
  /** Smallest difference from the expected count worth naming (default 3). */
  minChange?: number;
}

export interface DailyAnomalyResult {
  anomalies: DailyAnomaly[];
  /** The expected count of each day. */
  expected: number[];
  /** Whether the weekday pattern was used. */
  weekly: boolean;
}

/** Fewer points than this and nothing is flagged (no baseline). */
export const MIN_DAYS = 7;

const stabilise = (x: number) => 2 * Math.sqrt(Math.max(0, x) + 0.375);
const unstabilise = (y: number) => Math.max(0, (y / 2) ** 2 - 0.375);

function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const mad = (xs: readonly number[]) => {
  const c = median(xs);
  return median(xs.map((x) => Math.abs(x - c)));
};

/** Weekday (0 = Sunday) of a YYYY-MM-DD day, or of the index when no days are given. */
const weekdayOf = (days: readonly string[] | undefined, i: number) => (days ? new Date(`${days[i]}T00:00:00Z`).getUTCDay() : i % 7);

export function detectDailyAnomalies(values: readonly number[], opts: DailyAnomalyOptions = {}): DailyAnomalyResult {
  const threshold = opts.threshold ?? 4.5;
  const minChange = opts.minChange ?? 3;
  const n = values.length;
  if (opts.days && opts.days.length !== n) throw new RangeError(`days has ${opts.days.length} entries for ${n} values`);
  const y = values.map(stabilise);
  const level = median(y);
  let base = y.map(() => level);
  let weekly = false;
  if (n >= 21) {
    const byDay = new Map<number, number[]>();
    y.forEach((v, i) => {
      const w = weekdayOf(opts.days, i);
      byDay.set(w, [...(byDay.get(w) ?? []), v]);
    });
    const offset = new Map([...byDay].map(([w, vs]) => [w, median(vs) - level]));
    const seasonal = y.map((_, i) => level + offset.get(weekdayOf(opts.days, i))!);
    const flatSpread = mad(y.map((v) => v - level));
    const weeklySpread = mad(y.map((v, i) => v - seasonal[i]!));
    if (weeklySpread < 0.75 * flatSpread) {
      base = seasonal;
      weekly = true;
    }
  }
  const expected = base.map(unstabilise);
  if (n < MIN_DAYS) return { anomalies: [], expected, weekly };
  const residuals = y.map((v, i) => v - base[i]!);
  const center = median(residuals);
  const scale = Math.max(1, 1.4826 * mad(residuals));
  const anomalies: DailyAnomaly[] = [];
  residuals.forEach((r, i) => {
    const score = (r - center) / scale;
    const value = values[i]!;
    if (Math.abs(score) <= threshold || Math.abs(value - expected[i]!) < minChange) return;
    anomalies.push({
      index: i,
      ...(opts.days ? { day: opts.days[i]! } : {}),
      value,
      expected: Math.round(expected[i]! * 100) / 100,
      score: Math.round(score * 100) / 100,
      direction: score > 0 ? 'high' : 'low',
    });
  });
  return { anomalies, expected, weekly };
}

/** The UTC days from `from` to `to` inclusive (YYYY-MM-DD). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** A dense daily series over `days` from sparse (day, count) pairs: missing days count 0, repeated days add up. */
export function denseSeries(days: readonly string[], rows: Iterable<{ day: string; count: number }>): number[] {
  const at = new Map(days.map((d, i) => [d, i]));
  const out = days.map(() => 0);
  for (const r of rows) {
    const i = at.get(r.day);
    if (i !== undefined) out[i]! += r.count;
  }
  return out;
}
