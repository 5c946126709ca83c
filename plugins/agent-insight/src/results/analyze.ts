import { type DailyResultRow, daysBetween, denseSeries, detectDailyAnomalies } from '@neonhub/sdk';
import { fitHolt, forecastHolt, simulateHoltSum } from '../holt.js';
import { median } from '../stats.js';

/** The funnel stages the insight agent reads, in order. */
export const STAGES = ['sent', 'delivered', 'opened', 'clicked', 'converted'] as const;
export type Stage = (typeof STAGES)[number];
/** Stages compared week over week (deliveries follow sends too closely to say anything new). */
const MOVER_STAGES: readonly Stage[] = ['sent', 'opened', 'clicked', 'converted'];
const FORECAST_STAGES: readonly Stage[] = ['sent', 'clicked', 'converted'];

export interface ResultAnomaly {
  campaign: string;
  kind: Stage;
  day: string;
  value: number;
  expected: number;
  score: number;
  direction: 'high' | 'low';
  /** In the reported week (the last seven days of the window). */
  inPeriod: boolean;
  /**
   * Why, as far as the numbers say: `volume` when the stage before it moved the same way that day (fewer sent, so
   * fewer clicks), `rate` when its rate from the stage before it left its usual level, `level` for sends.
   */
  cause: { type: 'volume' | 'rate' | 'level'; upstream?: Stage; rate?: number; usualRate?: number };
}

export interface Mover {
  campaign: string;
  kind: Stage;
  thisWeek: number;
  lastWeek: number;
  /** (this − last) / √(this + last): how many Poisson standard deviations the week moved. */
  z: number;
}

export interface StageForecast {
  kind: Stage;
  thisWeek: number;
  /** Sum of the next seven days' forecasts (Holt's linear method on the daily totals), with its 80% range (simulated paths). */
  nextWeek: number;
  lower: number;
  upper: number;
}

export interface ResultsAnalysis {
  window: { from: string; to: string };
  period: { from: string; to: string };
  previous: { from: string; to: string };
  campaigns: Array<{ campaign: string; thisWeek: Record<Stage, number>; lastWeek: Record<Stage, number> }>;
  anomalies: ResultAnomaly[];
  movers: Mover[];
  forecast: StageForecast[];
}

export interface AnalyzeOptions {
  /** The last day reported (YYYY-MM-DD, UTC). */
  asOf: string;
  /** Weeks of history read (the last is reported; the rest are the baseline). */
  weeks: number;
  /** Robust z cut-off of detectDailyAnomalies (default 4.5). */
  threshold?: number;
  /** Most movers returned (default 5). */
  maxMovers?: number;
}

export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const zeros = () => Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const isStage = (k: string): k is Stage => (STAGES as readonly string[]).includes(k);

/** The stage a stage's rate is taken from: deliveries when there are any, else sends; conversions per click. */
function upstreamOf(kind: Stage, has: (k: Stage) => boolean): Stage | undefined {
  if (kind === 'sent') return undefined;
  if (kind === 'delivered') return has('sent') ? 'sent' : undefined;
  if (kind === 'converted') return has('clicked') ? 'clicked' : undefined;
  if (has('delivered')) return 'delivered';
  return has('sent') ? 'sent' : undefined;
}

/** Anomalies, week-over-week movers and next week's forecast from the stored daily counts. */
export function analyzeResults(rows: readonly DailyResultRow[], opts: AnalyzeOptions): ResultsAnalysis {
  const to = opts.asOf;
  const from = addDays(to, -(7 * opts.weeks - 1));
  const days = daysBetween(from, to);
  const period = { from: addDays(to, -6), to };
  const previous = { from: addDays(to, -13), to: addDays(to, -7) };
  const inRange = (d: string, r: { from: string; to: string }) => d >= r.from && d <= r.to;

  const byCampaign = new Map<string, Map<Stage, DailyResultRow[]>>();
  for (const r of rows) {
    if (!isStage(r.kind) || r.day < from || r.day > to) continue;
    const kinds = byCampaign.get(r.campaign) ?? new Map<Stage, DailyResultRow[]>();
    kinds.set(r.kind, [...(kinds.get(r.kind) ?? []), r]);
    byCampaign.set(r.campaign, kinds);
  }

  const campaigns: ResultsAnalysis['campaigns'] = [];
  const anomalies: ResultAnomaly[] = [];
  const movers: Mover[] = [];
  const totals = new Map<Stage, number[]>();
  for (const [campaign, kinds] of [...byCampaign].sort(([a], [b]) => a.localeCompare(b))) {
    const series = new Map<Stage, number[]>();
    for (const [kind, rs] of kinds) series.set(kind, denseSeries(days, rs));
    const has = (k: Stage) => (series.get(k) ?? []).some((v) => v > 0);
    const week = (r: { from: string; to: string }) => {
      const out = zeros();
      for (const [k, vs] of series) out[k] = sum(vs.filter((_, i) => inRange(days[i]!, r)));
      return out;
    };
    const thisWeek = week(period);
    const lastWeek = week(previous);
    campaigns.push({ campaign, thisWeek, lastWeek });
    for (const [k, vs] of series)
      totals.set(
        k,
        (totals.get(k) ?? days.map(() => 0)).map((v, i) => v + vs[i]!),
      );

    const found = new Map<Stage, Map<string, 'high' | 'low'>>();
    const raw: Array<{ kind: Stage; a: ReturnType<typeof detectDailyAnomalies>['anomalies'][number] }> = [];
    for (const kind of STAGES) {
      const vs = series.get(kind);
      if (!vs || !has(kind)) continue;
      const r = detectDailyAnomalies(vs, { days, ...(opts.threshold !== undefined ? { threshold: opts.threshold } : {}) });
      found.set(kind, new Map(r.anomalies.map((a) => [a.day!, a.direction])));
      for (const a of r.anomalies) raw.push({ kind, a });
    }
    for (const { kind, a } of raw) {
      const up = upstreamOf(kind, has);
      let cause: ResultAnomaly['cause'] = { type: 'level' };
      if (up && found.get(up)?.get(a.day!) === a.direction) cause = { type: 'volume', upstream: up };
      else if (up) {
        const num = series.get(kind)!;
        const den = series.get(up)!;
        const rates = den.flatMap((d, i) => (d > 0 && i !== a.index ? [num[i]! / d] : []));
        const d = den[a.index]!;
        cause = {
          type: 'rate',
          upstream: up,
          ...(d > 0 ? { rate: round(num[a.index]! / d) } : {}),
          ...(rates.length > 0 ? { usualRate: round(median(rates)) } : {}),
        };
      }
      anomalies.push({
        campaign,
        kind,
        day: a.day!,
        value: a.value,
        expected: a.expected,
        score: a.score,
        direction: a.direction,
        inPeriod: inRange(a.day!, period),
        cause,
      });
    }

    if (opts.weeks >= 2)
      for (const kind of MOVER_STAGES) {
        const a = thisWeek[kind];
        const b = lastWeek[kind];
        if (a + b === 0 || Math.abs(a - b) < 5) continue;
        const z = (a - b) / Math.sqrt(a + b);
        if (Math.abs(z) >= 3) movers.push({ campaign, kind, thisWeek: a, lastWeek: b, z: round(z, 2) });
      }
  }
  movers.sort((x, y) => Math.abs(y.z) - Math.abs(x.z) || x.campaign.localeCompare(y.campaign));
  anomalies.sort(
    (x, y) => x.day.localeCompare(y.day) || x.campaign.localeCompare(y.campaign) || STAGES.indexOf(x.kind) - STAGES.indexOf(y.kind),
  );

  const forecast: StageForecast[] = [];
  for (const kind of FORECAST_STAGES) {
    const vs = totals.get(kind);
    if (!vs || vs.length < 14 || sum(vs) === 0) continue;
    const fit = fitHolt(vs);
    const steps = forecastHolt(fit, 7, 0.8);
    const range = simulateHoltSum(fit, 7, 0.8, { seed: `${kind}:${to}` });
    const nextWeek = Math.round(sum(steps.map((s) => Math.max(0, s.value))));
    forecast.push({
      kind,
      thisWeek: sum(vs.slice(-7)),
      nextWeek,
      lower: Math.min(nextWeek, Math.round(range.lower)),
      upper: Math.max(nextWeek, Math.round(range.upper)),
    });
  }
  return { window: { from, to }, period, previous, campaigns, anomalies, movers: movers.slice(0, opts.maxMovers ?? 5), forecast };
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;
