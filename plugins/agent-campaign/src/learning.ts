import type { DailyResultRow, PluginStore, ResultsReader } from '@neonhub/sdk';
import type { AllocationDecision } from './allocator.js';
import type { Campaign } from './model.js';

/** Each decision of `reallocate`, keyed `<campaignId>/<decidedAt>`: the history `allocation_history` shows. */
export const ALLOCATIONS = 'allocations';
/** The last decision's shares and the stopped arms, keyed `<campaignId>/<scope>`. */
export const ALLOCATION_STATE = 'allocation_state';

export interface AllocationState {
  shares: Record<string, number>;
  /** Stopped arm -> why. */
  stopped: Record<string, string>;
  decidedAt: string;
  /** The pending schedule of the next run, if any. */
  nextKey?: string;
}

export const stateKey = (campaignId: string, by: string, channel?: string) => `${campaignId}/${by}${channel ? `:${channel}` : ''}`;

export async function loadState(store: PluginStore, key: string): Promise<AllocationState | undefined> {
  return (await store.get<AllocationState>(ALLOCATION_STATE, key))?.value;
}

const DAY_MS = 86_400_000;
const MAX_DAYS = 400;

/**
 * The campaign's stored results (ctx.results), summed per variant and channel over the campaign's days (from its
 * start, at most 400 days): `sent`, `delivered`, `opened`, `clicked`, `converted`...
 */
export async function campaignTotals(results: ResultsReader, resultsCampaign: string, campaign: Campaign, kinds: readonly string[]) {
  const from = campaign.startDate;
  const last = new Date(Date.parse(`${from}T00:00:00Z`) + (MAX_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
  const to = campaign.endDate < last ? campaign.endDate : last;
  const rows: DailyResultRow[] = await results.daily({ from, to, campaign: resultsCampaign, kinds });
  const byVariant = new Map<string, Record<string, number>>();
  const byChannel = new Map<string, Record<string, number>>();
  for (const r of rows) {
    for (const [map, key] of [
      [byVariant, r.variant],
      [byChannel, r.channel],
    ] as const) {
      const t = map.get(key) ?? {};
      t[r.kind] = (t[r.kind] ?? 0) + r.count;
      map.set(key, t);
    }
  }
  return { byVariant, byChannel, days: new Set(rows.map((r) => r.day)).size };
}

export type Decision = AllocationDecision;
