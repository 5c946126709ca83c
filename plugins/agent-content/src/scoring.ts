import type { PluginStore, ResultsReader } from '@neonhub/sdk';
import { z } from 'zod';

/** Each scoring of the draft prompt's variants, keyed by when it was made (ISO time: key order is time order). */
export const PROMPT_DECISIONS = 'prompt_decisions';
/** The last scoring, keyed by the prompt id (what the next reason compares with). */
export const LAST_PROMPT_DECISION = 'prompt_decision_last';

export const ScoredVariantSchema = z.object({
  variantId: z.string(),
  drafts: z.number(),
  sends: z.number(),
  successes: z.number(),
  rate: z.number(),
  probabilityBest: z.number(),
});
export type ScoredVariant = z.infer<typeof ScoredVariantSchema>;

export const PromptDecisionSchema = z.object({
  decidedAt: z.string(),
  promptId: z.string(),
  metric: z.string(),
  drafts: z.number(),
  variants: z.array(ScoredVariantSchema),
  reason: z.string(),
});
export type PromptDecision = z.infer<typeof PromptDecisionSchema>;

type Totals = Map<string, { sent: number; success: number }>;

/**
 * Each draft's sends and successes (`metric`) in [from, to]: by the content id sends carried (ctx.results.byContent),
 * and for drafts no send carried so, by the results whose variant is the draft id (how sends named a draft before).
 * A draft counted by content id is never counted again by variant.
 */
export async function draftTotals(results: ResultsReader, range: { from: string; to: string }, metric: string): Promise<Totals> {
  const byContent: Totals = new Map();
  if (results.byContent)
    for (const r of await results.byContent({ ...range, kinds: ['sent', metric] })) {
      if (!r.contentId.startsWith('drf_')) continue;
      const t = byContent.get(r.contentId) ?? { sent: 0, success: 0 };
      if (r.kind === 'sent') t.sent += r.count;
      else t.success += r.count;
      byContent.set(r.contentId, t);
    }
  const byVariant: Totals = new Map();
  for (const r of await results.daily({ ...range, kinds: ['sent', metric] })) {
    if (!r.variant.startsWith('drf_') || byContent.has(r.variant)) continue;
    const t = byVariant.get(r.variant) ?? { sent: 0, success: 0 };
    if (r.kind === 'sent') t.sent += r.count;
    else t.success += r.count;
    byVariant.set(r.variant, t);
  }
  // a recipient may click twice: a draft earns at most one success per send (the rate is per send)
  const all: Totals = new Map([...byContent, ...byVariant]);
  for (const t of all.values()) t.success = Math.min(t.success, t.sent);
  return all;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const n = (x: number) => x.toLocaleString('en-US');

/** The scoring in words: each variant's figures, and how its chance of being chosen moved since the last scoring. */
export function explain(metric: string, variants: readonly ScoredVariant[], previous: PromptDecision | undefined): string {
  if (variants.every((v) => v.sends === 0))
    return `No send of a draft has results yet: the variants keep their chances (${variants.map((v) => v.variantId).join(', ')}).`;
  const before = new Map(previous?.variants.map((v) => [v.variantId, v.probabilityBest]) ?? []);
  const lines = variants.map((v) => {
    const was = before.get(v.variantId);
    const moved = was === undefined ? '' : ` (was ${pct(was)})`;
    return `${v.variantId}: ${pct(v.rate)} ${metric} per send (${n(v.successes)} of ${n(v.sends)} sends over ${n(v.drafts)} draft${v.drafts === 1 ? '' : 's'}), best with probability ${pct(v.probabilityBest)}${moved}`;
  });
  const best = [...variants].sort((a, b) => b.probabilityBest - a.probabilityBest)[0]!;
  const lead = best.probabilityBest >= 0.5 ? `New drafts choose ${best.variantId} more often. ` : 'No variant leads yet. ';
  return `${lead}${lines.join('; ')}.`;
}

/** Keeps one scoring with its reason (the last one is what the next reason compares with). */
export async function recordDecision(
  store: PluginStore,
  d: Omit<PromptDecision, 'decidedAt' | 'reason'>,
  now = new Date(),
): Promise<PromptDecision> {
  const last = await store.get<PromptDecision>(LAST_PROMPT_DECISION, d.promptId);
  const previous = last ? PromptDecisionSchema.safeParse(last.value).data : undefined;
  const decision: PromptDecision = { ...d, decidedAt: now.toISOString(), reason: explain(d.metric, d.variants, previous) };
  await store.put(PROMPT_DECISIONS, decision.decidedAt, decision);
  await store.put(LAST_PROMPT_DECISION, d.promptId, decision);
  return decision;
}
