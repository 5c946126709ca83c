import type { LlmUsageTotals, PluginStore } from '@neonhub/sdk';
import { z } from 'zod';
import type { Policy, Price } from './policy/schema.js';
import { matchesModel } from './rules/patterns.js';
import { isoDay, updateRecord } from './store-util.js';

export const USAGE = 'usage';

/** Governance's own running counters of one UTC day (eco keeps the detailed figures). */
export const DailyUsageSchema = z.object({
  day: z.string(),
  calls: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  totalTokens: z.number(),
  costUsd: z.number(),
});
export type DailyUsage = z.infer<typeof DailyUsageSchema>;

const empty = (day: string): DailyUsage => ({ day, calls: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 });

/** The price of a call: the most expensive price among the models it used (exact key, then `provider/*`), else the default. */
export function priceFor(policy: Policy, models: readonly string[]): Price {
  const { prices, defaultPrice } = policy.budget;
  const found = models.map((m) => {
    const exact = prices[m];
    if (exact) return exact;
    const key = Object.keys(prices).find((k) => matchesModel(k, m));
    return key ? prices[key]! : defaultPrice;
  });
  if (found.length === 0) return defaultPrice;
  return found.reduce((a, b) => (b.inputPer1M + b.outputPer1M > a.inputPer1M + a.outputPer1M ? b : a));
}

export function costOf(policy: Policy, usage: LlmUsageTotals): number {
  const price = priceFor(policy, usage.models);
  return (usage.inputTokens * price.inputPer1M + usage.outputTokens * price.outputPer1M) / 1_000_000;
}

export async function usageOn(store: PluginStore, day: string): Promise<DailyUsage> {
  return (await store.get<DailyUsage>(USAGE, day))?.value ?? empty(day);
}

/** Adds one call's language-model usage to today's counters (UTC). */
export async function recordUsage(store: PluginStore, policy: Policy, usage: LlmUsageTotals, now: Date): Promise<DailyUsage> {
  const day = isoDay(now);
  const cost = costOf(policy, usage);
  const next = await updateRecord<DailyUsage>(store, USAGE, day, (current) => {
    const u = current ?? empty(day);
    return {
      day,
      calls: u.calls + usage.calls,
      inputTokens: u.inputTokens + usage.inputTokens,
      outputTokens: u.outputTokens + usage.outputTokens,
      totalTokens: u.totalTokens + usage.totalTokens,
      costUsd: u.costUsd + cost,
    };
  });
  return next ?? empty(day);
}

/** The cap today's usage has reached, if any. */
export function budgetReached(policy: Policy, usage: DailyUsage): { rule: string; reason: string } | undefined {
  const { tokensPerDay, costUsdPerDay } = policy.budget;
  if (tokensPerDay !== undefined && usage.totalTokens >= tokensPerDay)
    return {
      rule: 'budget.tokensPerDay',
      reason: `the workspace used ${usage.totalTokens} tokens on ${usage.day} (UTC), reaching its cap of ${tokensPerDay} tokens per day`,
    };
  if (costUsdPerDay !== undefined && usage.costUsd >= costUsdPerDay)
    return {
      rule: 'budget.costUsdPerDay',
      reason: `the workspace spent $${usage.costUsd.toFixed(4)} on ${usage.day} (UTC), reaching its cap of $${costUsdPerDay} per day`,
    };
  return undefined;
}
