import type { PluginStore } from '@neonhub/sdk';
import { ecoErrors } from './errors.js';

export const CALLS = 'calls';
export const DAILY = 'daily';
export const RUNS = 'runs';

/** Running totals at every level (workspace day, run, model, tool). */
export interface Counter {
  calls: number;
  llmCalls: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  durationMs: number;
  llmWh: number;
  cpuWh: number;
  wh: number;
  co2eG: number;
}

export type CallStatus = 'ok' | 'error' | 'denied' | 'pending_approval';

export interface Aggregate {
  key: string;
  firstAt: string;
  lastAt: string;
  totals: Counter;
  byStatus: Record<CallStatus, number>;
  byModel: Record<string, Counter>;
  byTool: Record<string, Counter>;
}

/** What one call adds. */
export interface CallRecord {
  at: string;
  day: string;
  callId: string;
  tool: string;
  plugin: string;
  status: CallStatus;
  runId?: string;
  /** `provider/model`, `a+b` when a call used several, `none` without a model. */
  model: string;
  modelClass: string;
  llmCalls: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  durationMs: number;
  llmWh: number;
  cpuWh: number;
  wh: number;
  co2eG: number;
  region: string;
  gCO2ePerKWh: number;
  pue: number;
}

export const emptyCounter = (): Counter => ({
  calls: 0,
  llmCalls: 0,
  inputTokens: 0,
  outputTokens: 0,
  totalTokens: 0,
  durationMs: 0,
  llmWh: 0,
  cpuWh: 0,
  wh: 0,
  co2eG: 0,
});

export function addTo(c: Counter, r: Counter | CallRecord, calls = 1): void {
  c.calls += 'calls' in r ? r.calls : calls;
  c.llmCalls += r.llmCalls;
  c.inputTokens += r.inputTokens;
  c.outputTokens += r.outputTokens;
  c.totalTokens += r.totalTokens;
  c.durationMs += r.durationMs;
  c.llmWh += r.llmWh;
  c.cpuWh += r.cpuWh;
  c.wh += r.wh;
  c.co2eG += r.co2eG;
}

export function emptyAggregate(key: string, at: string): Aggregate {
  return {
    key,
    firstAt: at,
    lastAt: at,
    totals: emptyCounter(),
    byStatus: { ok: 0, error: 0, denied: 0, pending_approval: 0 },
    byModel: {},
    byTool: {},
  };
}

function counterIn(map: Record<string, Counter>, key: string): Counter {
  let c = map[key];
  if (!c) {
    c = emptyCounter();
    map[key] = c;
  }
  return c;
}

export function applyCall(a: Aggregate, r: CallRecord): Aggregate {
  addTo(a.totals, r);
  a.byStatus[r.status] = (a.byStatus[r.status] ?? 0) + 1;
  if (r.model !== 'none') addTo(counterIn(a.byModel, r.model), r);
  addTo(counterIn(a.byTool, r.tool), r);
  if (r.at < a.firstAt) a.firstAt = r.at;
  if (r.at > a.lastAt) a.lastAt = r.at;
  return a;
}

/** Merges aggregates (several days into a range). */
export function mergeAggregates(key: string, list: readonly Aggregate[]): Aggregate {
  const out = emptyAggregate(key, list[0]?.firstAt ?? '');
  for (const a of list) {
    addTo(out.totals, a.totals);
    for (const [s, n] of Object.entries(a.byStatus)) out.byStatus[s as CallStatus] += n;
    for (const [m, c] of Object.entries(a.byModel)) addTo(counterIn(out.byModel, m), c);
    for (const [t, c] of Object.entries(a.byTool)) addTo(counterIn(out.byTool, t), c);
    if (a.firstAt < out.firstAt) out.firstAt = a.firstAt;
    if (a.lastAt > out.lastAt) out.lastAt = a.lastAt;
  }
  return out;
}

/** Adds calls to the aggregate at collection/key with one compare-and-set, re-reading on conflict. */
export async function addToAggregate(store: PluginStore, collection: string, key: string, records: readonly CallRecord[]): Promise<void> {
  if (records.length === 0) return;
  for (let attempt = 0; attempt < 50; attempt++) {
    const cur = await store.get<Aggregate>(collection, key);
    const next = cur?.value ?? emptyAggregate(key, records[0]!.at);
    for (const r of records) applyCall(next, r);
    if ((await store.putIf(collection, key, next, cur?.version ?? 0)) !== null) return;
  }
  throw ecoErrors.create('NH_ECO_UPDATE_CONFLICT', `the running total ${collection}/${key} kept changing under other writers`, {
    details: { collection, key },
  });
}
