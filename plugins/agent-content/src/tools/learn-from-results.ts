import { defineTool, engagementOf, probabilityBest, type ToolContext } from '@neonhub/sdk';
import { z } from 'zod';
import { contentErrors } from '../errors.js';
import { DRAFTS, type Draft } from '../model.js';
import { contentPrompts, DRAFT_PROMPT, recordDraftOutcome } from '../prompts.js';
import { draftTotals, recordDecision, ScoredVariantSchema } from '../scoring.js';
import { loadVersion } from '../store.js';
import { rememberDraft } from './remember-winner.js';

const DAY_MS = 86_400_000;
/** A variant whose probability of being the best reaches this has won: its best draft is remembered. */
export const WINNER_PROBABILITY = 0.95;
/** A draft's rate counts for picking the winning draft from this many sends (fewer: a lucky few clicks). */
const MIN_WINNER_SENDS = 20;

/**
 * When one variant has won (P(best) ≥ 0.95), remembers the draft of that variant that earned the most per send as
 * winning content in the workspace's memory (keyed by the draft: scoring again replaces it, never adds a copy), so
 * later drafts recall it as an example of what worked. Without memory the winner is still answered, not stored; a
 * failing memory is logged and the scoring stands.
 */
async function storeWinner(
  ctx: ToolContext,
  arms: ReadonlyArray<{ variantId: string; trials: number }>,
  p: readonly number[],
  byDraft: ReadonlyMap<string, { sent: number; success: number }>,
  scored: ReadonlyMap<string, Draft>,
  metric: string,
) {
  const i = p.findIndex((x) => x >= WINNER_PROBABILITY);
  const arm = arms[i];
  if (!arm || arm.trials === 0) return null;
  let best: { draft: Draft; rate: number } | undefined;
  for (const [draftId, d] of scored) {
    const t = byDraft.get(draftId)!;
    if (d.prompt?.variantId !== arm.variantId || t.sent < MIN_WINNER_SENDS) continue;
    const rate = t.success / t.sent;
    if (!best || rate > best.rate) best = { draft: d, rate };
  }
  if (!best) return null;
  const winner = { variantId: arm.variantId, probabilityBest: p[i]!, draftId: best.draft.draftId, rate: best.rate };
  if (!ctx.memory) return { ...winner, documentId: null };
  try {
    const version = await loadVersion(ctx, best.draft, best.draft.latestVersion);
    const r = await rememberDraft(ctx.memory, best.draft, version, { metric: `${metric}_rate`, value: best.rate, probabilityBest: p[i]! });
    ctx.logger.info({ ...winner, documentId: r.documentId }, 'winning prompt variant: its best draft remembered');
    return { ...winner, documentId: r.documentId };
  } catch (err) {
    ctx.logger.warn({ err, ...winner }, 'the winning draft could not be remembered');
    return { ...winner, documentId: null };
  }
}

const input = z.object({
  days: z.number().int().min(1).max(400).default(90).describe('Results of the last this many days (default 90).'),
  metric: z.enum(['clicked', 'opened', 'converted']).default('clicked').describe('What a draft earns per message sent (default clicked).'),
});

/**
 * Ties the stored results to the prompt variants that wrote what was sent: a send carries its draft's id (the
 * results' content id; older sends named it as their variant), so each draft's sends and clicks are its engagement.
 * The host runs it on a schedule (docs/analytics.md#learning); each scoring is kept with its reason in words.
 */
export const learnFromResults = defineTool({
  name: 'learn_from_results',
  description:
    "Scores the draft prompt's A/B variants by the engagement of what they wrote: reads the stored results (sends that carried a draft id), records each draft's sends and clicks (or opens, conversions) under the prompt variant that wrote it, and answers each variant's rate and probability of being best, with the change since the last scoring in words (kept in the history). New drafts then choose the better variant more often. When a variant is best with probability ≥ 0.95, its draft that earned the most per send is remembered as winning content in the workspace's memory.",
  sideEffect: 'write',
  input,
  output: z.object({
    promptId: z.string(),
    metric: z.string(),
    /** Drafts whose results were recorded now. */
    drafts: z.number(),
    /**
     * The variant that is the best with probability ≥ 0.95, and its draft that earned the most per send, remembered in
     * the workspace's memory as winning content (documentId; null without memory or when remembering failed).
     */
    winner: z
      .object({
        variantId: z.string(),
        probabilityBest: z.number(),
        draftId: z.string(),
        rate: z.number(),
        documentId: z.string().nullable(),
      })
      .nullable(),
    variants: z.array(ScoredVariantSchema),
    decidedAt: z.string(),
    /** The change in words: each variant's rate and probability of being best, and what it was at the last scoring. */
    reason: z.string(),
  }),
  async run(a, ctx) {
    if (!ctx.results)
      throw contentErrors.create('NH_CONTENT_RESULTS_UNAVAILABLE', 'this host gives the content agent no access to the stored results');
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - (a.days - 1) * DAY_MS).toISOString().slice(0, 10);
    const byDraft = await draftTotals(ctx.results, { from, to }, a.metric);
    const prompts = contentPrompts(ctx.store);
    let drafts = 0;
    const scored = new Map<string, Draft>();
    for (const [draftId, t] of byDraft) {
      const d = (await ctx.store.get<Draft>(DRAFTS, draftId))?.value;
      if (!d?.prompt) continue;
      scored.set(draftId, d);
      // one record per draft and outcome: scoring again replaces the numbers
      await recordDraftOutcome(prompts, d, 'sent', t.sent);
      await recordDraftOutcome(prompts, d, a.metric, t.success);
      drafts++;
    }
    const engagement = engagementOf(await prompts.store.list({ promptId: DRAFT_PROMPT.id, version: DRAFT_PROMPT.version }), {
      success: a.metric,
    });
    const arms = DRAFT_PROMPT.allVariants.map(
      (v) => engagement.find((e) => e.variantId === v.id) ?? { variantId: v.id, subjects: 0, successes: 0, trials: 0 },
    );
    const p = probabilityBest(arms, { seed: `${DRAFT_PROMPT.id}:${to}` });
    const winner = await storeWinner(ctx, arms, p, byDraft, scored, a.metric);
    const variants = arms.map((e, i) => ({
      variantId: e.variantId,
      drafts: e.subjects,
      sends: e.trials,
      successes: e.successes,
      rate: e.trials > 0 ? e.successes / e.trials : 0,
      probabilityBest: p[i]!,
    }));
    const decision = await recordDecision(ctx.store, { promptId: DRAFT_PROMPT.id, metric: a.metric, drafts, variants });
    return {
      promptId: DRAFT_PROMPT.id,
      metric: a.metric,
      drafts,
      winner,
      variants,
      decidedAt: decision.decidedAt,
      reason: decision.reason,
    };
  },
});
