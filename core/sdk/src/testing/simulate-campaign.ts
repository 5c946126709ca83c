import { createRng, type Rng, sampleBinomial } from '../stats/random.js';

/** The funnel stages the simulator produces, in order: each one only for a message that reached the one before. */
export const SIMULATED_KINDS = ['sent', 'delivered', 'opened', 'clicked', 'converted'] as const;
export type SimulatedKind = (typeof SIMULATED_KINDS)[number];

export interface SimulatedVariant {
  id: string;
  /** The true click rate per send: P(clicked | sent). At most deliveryRate × openRate. */
  clickRate: number;
  /** P(opened | delivered); default the week's `openRate`. */
  openRate?: number;
  /** P(converted | clicked); default the week's `conversionRate`. */
  conversionRate?: number;
}

/** Multiplies one stage's rate on one day (a send volume for `sent`): a drop (factor < 1) or a spike (> 1). */
export interface SimulatedAnomaly {
  /** 0-based day of the week. */
  day: number;
  kind: SimulatedKind;
  factor: number;
  /** Only this variant (default every variant). */
  variant?: string;
}

export type Counts = Record<SimulatedKind, number>;

export interface AllocationInput {
  /** The day about to be sent (0-based) and its UTC date. */
  day: number;
  date: string;
  /** Cumulative counts per variant before this day. */
  totals: Record<string, Counts>;
  /** Every event so far (empty with `detail: 'counts'`). */
  events: readonly SimulatedEvent[];
  /** The days simulated so far (what a results store would hold by this morning). */
  days: readonly SimulatedDay[];
}

export interface SimulateCampaignWeekOptions {
  seed: string | number;
  variants: readonly SimulatedVariant[];
  campaign?: string;
  channel?: string;
  /** Days to simulate (default 7). */
  days?: number;
  /** Messages sent per day across the variants (default 1000). */
  sendsPerDay?: number;
  /** UTC date of day 0, YYYY-MM-DD (default 2026-11-30, a Monday). */
  start?: string;
  /** P(delivered | sent), default 0.97; P(opened | delivered), default 0.35; P(converted | clicked), default 0.1. */
  deliveryRate?: number;
  openRate?: number;
  conversionRate?: number;
  /**
   * The allocator under test: called before each day with what happened so far, answers each variant's share of
   * the day's sends (any non-negative weights; normalized). Default: an even split (a plain A/B test).
   */
  allocate?: (input: AllocationInput) => Record<string, number> | Promise<Record<string, number>>;
  anomalies?: readonly SimulatedAnomaly[];
  /** `events` (default) materializes one event per message and stage; `counts` only counts (fast, for many seeds). */
  detail?: 'events' | 'counts';
}

/**
 * One event, shaped as the results API takes it (`POST /v1/workspaces/:ws/results/events`, the host's
 * `recordProviderEvents`): `type` is the result kind; `sent` events carry the campaign, variant and channel, later
 * stages the `messageId` of their send (as a provider's webhook would) and the same campaign fields.
 */
export interface SimulatedEvent {
  id: string;
  type: SimulatedKind;
  messageId: string;
  recipient: string;
  occurredAt: string;
  campaign: string;
  variant: string;
  channel: string;
  /** 0-based day of the week. */
  day: number;
  data: Record<string, unknown>;
}

export interface SimulatedDay {
  day: number;
  date: string;
  /** The normalized shares the allocator answered for this day. */
  shares: Record<string, number>;
  counts: Record<string, Counts>;
}

export interface SimulatedWeek {
  campaign: string;
  channel: string;
  seed: string;
  events: SimulatedEvent[];
  days: SimulatedDay[];
  totals: Record<string, Counts>;
  /** The variant with the highest true click rate (the first on a tie). */
  best: string;
}

const DAY_MS = 86_400_000;
const zero = (): Counts => ({ sent: 0, delivered: 0, opened: 0, clicked: 0, converted: 0 });
const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

function largestRemainder(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const raw = weights.map((w) => (sum > 0 ? (total * w) / sum : total / weights.length));
  const out = raw.map(Math.floor);
  let left = total - out.reduce((s, x) => s + x, 0);
  const order = raw.map((r, i) => ({ i, f: r - Math.floor(r) })).sort((a, b) => b.f - a.f || a.i - b.i);
  for (const { i } of order) {
    if (left-- <= 0) break;
    out[i]!++;
  }
  return out;
}

/**
 * A seeded week of campaign events for A/B variants with known true rates: each day the allocator (or an even
 * split) divides `sendsPerDay` among the variants, and each message goes down the funnel sent → delivered →
 * opened → clicked → converted with the variant's probabilities (so P(clicked | sent) is the variant's
 * `clickRate`), times any anomaly of that day. Every event falls inside its own UTC day. The same options and seed
 * always give the same week.
 */
export async function simulateCampaignWeek(opts: SimulateCampaignWeekOptions): Promise<SimulatedWeek> {
  if (opts.variants.length === 0) throw new Error('simulateCampaignWeek needs at least one variant');
  const seed = String(opts.seed);
  const rng: Rng = createRng(`simulate-campaign-week:${seed}`);
  const campaign = opts.campaign ?? 'sim-campaign';
  const channel = opts.channel ?? 'email';
  const days = opts.days ?? 7;
  const sendsPerDay = opts.sendsPerDay ?? 1000;
  const start = Date.parse(`${opts.start ?? '2026-11-30'}T00:00:00Z`);
  const delivery = opts.deliveryRate ?? 0.97;
  const detail = opts.detail ?? 'events';
  const ids = opts.variants.map((v) => v.id);
  const rates = opts.variants.map((v) => {
    const open = v.openRate ?? opts.openRate ?? 0.35;
    const reach = delivery * open;
    if (v.clickRate > reach)
      throw new Error(`variant ${v.id}: clickRate ${v.clickRate} exceeds deliveryRate × openRate (${reach.toFixed(4)})`);
    return {
      delivered: delivery,
      opened: open,
      clicked: reach > 0 ? v.clickRate / reach : 0,
      converted: v.conversionRate ?? opts.conversionRate ?? 0.1,
    };
  });
  const factor = (day: number, variant: string, kind: SimulatedKind) =>
    (opts.anomalies ?? [])
      .filter((a) => a.day === day && a.kind === kind && (a.variant === undefined || a.variant === variant))
      .reduce((f, a) => f * a.factor, 1);

  const totals: Record<string, Counts> = Object.fromEntries(ids.map((id) => [id, zero()]));
  const events: SimulatedEvent[] = [];
  const out: SimulatedDay[] = [];
  let message = 0;
  for (let day = 0; day < days; day++) {
    const dayStart = start + day * DAY_MS;
    const date = new Date(dayStart).toISOString().slice(0, 10);
    const snapshot = Object.fromEntries(ids.map((id) => [id, { ...totals[id]! }]));
    const answered = opts.allocate ? await opts.allocate({ day, date, totals: snapshot, events, days: [...out] }) : {};
    const weights = ids.map((id) => (opts.allocate ? Math.max(0, Number(answered[id] ?? 0)) || 0 : 1));
    const sum = weights.reduce((s, w) => s + w, 0);
    const shares = Object.fromEntries(ids.map((id, i) => [id, sum > 0 ? weights[i]! / sum : 1 / ids.length]));
    const sends = largestRemainder(sendsPerDay, sum > 0 ? weights : ids.map(() => 1));
    const counts: Record<string, Counts> = Object.fromEntries(ids.map((id) => [id, zero()]));
    ids.forEach((variant, i) => {
      const r = rates[i]!;
      const p = {
        delivered: clamp01(r.delivered * factor(day, variant, 'delivered')),
        opened: clamp01(r.opened * factor(day, variant, 'opened')),
        clicked: clamp01(r.clicked * factor(day, variant, 'clicked')),
        converted: clamp01(r.converted * factor(day, variant, 'converted')),
      };
      const n = Math.round(sends[i]! * factor(day, variant, 'sent'));
      const c = counts[variant]!;
      if (detail === 'counts') {
        c.sent = n;
        c.delivered = sampleBinomial(rng, c.sent, p.delivered);
        c.opened = sampleBinomial(rng, c.delivered, p.opened);
        c.clicked = sampleBinomial(rng, c.opened, p.clicked);
        c.converted = sampleBinomial(rng, c.clicked, p.converted);
        return;
      }
      for (let k = 0; k < n; k++) {
        const messageId = `sim-${seed}-m${++message}`;
        const recipient = `sim-${message}@example.com`;
        // sent in the first 20 hours; each later stage a little later, all inside the day
        let t = dayStart + Math.floor(rng() * 20 * 3_600_000);
        const push = (type: SimulatedKind) => {
          c[type]++;
          events.push({
            id: `${messageId}:${type}`,
            type,
            messageId,
            recipient,
            occurredAt: new Date(t).toISOString(),
            campaign,
            variant,
            channel,
            day,
            data: { simulated: true },
          });
        };
        push('sent');
        for (const stage of ['delivered', 'opened', 'clicked', 'converted'] as const) {
          if (rng() >= p[stage]) break;
          t = Math.min(dayStart + DAY_MS - 1, t + 1 + Math.floor(rng() * 3_600_000));
          push(stage);
        }
      }
    });
    for (const id of ids) for (const kind of SIMULATED_KINDS) totals[id]![kind] += counts[id]![kind];
    out.push({ day, date, shares, counts });
  }
  const best = opts.variants.reduce((b, v) => (v.clickRate > b.clickRate ? v : b)).id;
  return { campaign, channel, seed, events, days: out, totals, best };
}

/** A simulated week as daily result rows (campaign, variant, channel, kind, day, count), as the host's result_daily holds them. */
export function simulatedDailyRows(week: Pick<SimulatedWeek, 'campaign' | 'channel' | 'days'>) {
  return week.days.flatMap((d) =>
    Object.entries(d.counts).flatMap(([variant, c]) =>
      SIMULATED_KINDS.filter((kind) => c[kind] > 0).map((kind) => ({
        campaign: week.campaign,
        variant,
        channel: week.channel,
        kind: kind as string,
        day: d.date,
        count: c[kind],
      })),
    ),
  );
}
