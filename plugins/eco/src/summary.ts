import type { PluginStore } from '@neonhub/sdk';
import { z } from 'zod';
import { type Aggregate, type CallStatus, type Counter, DAILY, mergeAggregates, RUNS } from './aggregate.js';
import { ecoErrors } from './errors.js';

export const CounterSchema = z.object({
  calls: z.number(),
  llmCalls: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  totalTokens: z.number(),
  durationMs: z.number(),
  llmWh: z.number(),
  cpuWh: z.number(),
  wh: z.number(),
  co2eG: z.number(),
});

export const SummarySchema = z.object({
  from: z.string().nullable(),
  to: z.string().nullable(),
  runId: z.string().nullable(),
  days: z.number().int(),
  totals: CounterSchema,
  byStatus: z.object({ ok: z.number(), error: z.number(), denied: z.number(), pending_approval: z.number() }),
  byModel: z.record(z.string(), CounterSchema),
  byTool: z.record(z.string(), CounterSchema),
  byDay: z.array(z.object({ day: z.string(), calls: z.number(), totalTokens: z.number(), wh: z.number(), co2eG: z.number() })),
  /** Always true: energy and CO2e are estimates from the factor table. */
  estimate: z.literal(true),
});
export type Summary = z.infer<typeof SummarySchema>;

export const RangeInput = {
  from: z.iso.date().optional().describe('First UTC day to include, YYYY-MM-DD (default: the first day with data).'),
  to: z.iso.date().optional().describe('Last UTC day to include, YYYY-MM-DD (default: the last day with data).'),
};

const r6 = (n: number) => Math.round(n * 1e6) / 1e6;
function rounded(c: Counter): Counter {
  return {
    ...c,
    durationMs: Math.round(c.durationMs * 1000) / 1000,
    llmWh: r6(c.llmWh),
    cpuWh: r6(c.cpuWh),
    wh: r6(c.wh),
    co2eG: r6(c.co2eG),
  };
}
const roundAll = (m: Record<string, Counter>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, rounded(v)]));

function dayBefore(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/** The daily aggregates from..to: one read for a single day (the budget check), a paged list otherwise. */
async function readDays(store: PluginStore, from?: string, to?: string): Promise<Aggregate[]> {
  if (from !== undefined && from === to) {
    const one = await store.get<Aggregate>(DAILY, from);
    return one ? [one.value] : [];
  }
  const out: Aggregate[] = [];
  let after = from === undefined ? undefined : dayBefore(from);
  for (;;) {
    const rows = await store.list<Aggregate>(DAILY, { limit: 1000, ...(after === undefined ? {} : { after }) });
    for (const r of rows) {
      if (to !== undefined && r.key > to) return out;
      out.push(r.value);
    }
    if (rows.length < 1000) return out;
    after = rows[rows.length - 1]!.key;
  }
}

function shape(agg: Aggregate, days: Aggregate[], from: string | null, to: string | null, runId: string | null): Summary {
  return {
    from,
    to,
    runId,
    days: days.length,
    totals: rounded(agg.totals),
    byStatus: agg.byStatus as Record<CallStatus, number>,
    byModel: roundAll(agg.byModel),
    byTool: roundAll(agg.byTool),
    byDay: days.map((d) => ({
      day: d.key,
      calls: d.totals.calls,
      totalTokens: d.totals.totalTokens,
      wh: r6(d.totals.wh),
      co2eG: r6(d.totals.co2eG),
    })),
    estimate: true,
  };
}

/** Usage over a range of UTC days, or over one run. */
export async function summarize(
  store: PluginStore,
  q: { from?: string | undefined; to?: string | undefined; runId?: string | undefined },
): Promise<Summary> {
  if (q.from !== undefined && q.to !== undefined && q.from > q.to)
    throw ecoErrors.create('NH_ECO_RANGE_INVALID', `from (${q.from}) is after to (${q.to})`, { details: { from: q.from, to: q.to } });
  if (q.runId !== undefined) {
    const run = (await store.get<Aggregate>(RUNS, q.runId))?.value;
    const agg = run ?? mergeAggregates(q.runId, []);
    return shape(agg, [], run ? run.firstAt.slice(0, 10) : null, run ? run.lastAt.slice(0, 10) : null, q.runId);
  }
  const days = await readDays(store, q.from, q.to);
  const agg = mergeAggregates('range', days);
  return shape(agg, days, q.from ?? days[0]?.key ?? null, q.to ?? days[days.length - 1]?.key ?? null, null);
}
