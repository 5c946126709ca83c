import { type PromptDefinition, type PromptOutcome, PromptOutcomeSchema, type PromptOutcomeStore, summarizeOutcomes } from './prompts.js';
import { betaPosterior } from './stats/bayes.js';
import { createRng, sampleBeta } from './stats/random.js';
import type { PluginStore } from './types.js';

const COLLECTION = 'prompt_outcomes';
const PAGE = 500;
// Keys: `<promptId>@<version>#<variant>#<subject>#<outcome>` (the last three URI-encoded). Prompt ids and versions
// cannot contain '@' or '#', so a prefix `<promptId>@` selects exactly one prompt.

/**
 * A/B outcomes of a plugin's prompts, kept in its own store (the database behind `ctx.store`, so they outlive
 * the process). One record per prompt version, subject and outcome: recording the same outcome of the same
 * subject again replaces it (a retried call counts once); a subject may have several outcomes (e.g.
 * `revised`, then `accepted`).
 */
export function storePromptOutcomes(store: PluginStore): PromptOutcomeStore {
  const prefixOf = (f: { promptId: string; version?: string }) => `${f.promptId}@${f.version === undefined ? '' : `${f.version}#`}`;
  async function list(filter: { promptId: string; version?: string }): Promise<PromptOutcome[]> {
    const out: PromptOutcome[] = [];
    for (let after: string | undefined; ; ) {
      const page = await store.list<PromptOutcome>(COLLECTION, { prefix: prefixOf(filter), limit: PAGE, ...(after ? { after } : {}) });
      out.push(...page.map((r) => r.value));
      if (page.length < PAGE) return out;
      after = page[page.length - 1]!.key;
    }
  }
  return {
    async record(outcome) {
      const o = PromptOutcomeSchema.parse(outcome);
      const key = [o.variantId, o.subjectKey, o.outcome].map(encodeURIComponent).join('#');
      await store.put(COLLECTION, `${o.promptId}@${o.version}#${key}`, o);
    },
    list,
    async summarize(filter) {
      return summarizeOutcomes(await list(filter));
    },
  };
}

/** A prompt variant's engagement: what its outputs earned (e.g. clicks) out of how often they went out (sends). */
export interface VariantEngagement {
  variantId: string;
  /** Subjects (drafts) with engagement recorded. */
  subjects: number;
  successes: number;
  trials: number;
}

/**
 * Sums the engagement outcomes of a prompt's subjects per variant: each subject's `trial` outcome (default `sent`,
 * its value = how many were sent) and `success` outcome (default `clicked`, its value = how many clicked). Outcomes
 * are one record per subject and outcome, so re-scoring a subject replaces its numbers instead of adding them.
 */
export function engagementOf(outcomes: Iterable<PromptOutcome>, o: { success?: string; trial?: string } = {}): VariantEngagement[] {
  const success = o.success ?? 'clicked';
  const trial = o.trial ?? 'sent';
  const by = new Map<string, VariantEngagement & { seen: Set<string> }>();
  for (const x of outcomes) {
    if (x.outcome !== success && x.outcome !== trial) continue;
    const v = by.get(x.variantId) ?? { variantId: x.variantId, subjects: 0, successes: 0, trials: 0, seen: new Set<string>() };
    if (!v.seen.has(x.subjectKey)) {
      v.seen.add(x.subjectKey);
      v.subjects++;
    }
    if (x.outcome === success) v.successes += Math.max(0, x.value ?? 1);
    else v.trials += Math.max(0, x.value ?? 1);
    by.set(x.variantId, v);
  }
  return [...by.values()].map(({ seen: _s, ...v }) => v).sort((a, b) => (a.variantId < b.variantId ? -1 : 1));
}

/**
 * Picks the variant for a new subject by Thompson sampling over the variants' engagement: one draw from each
 * variant's Beta posterior (uniform prior; a variant without data draws from the prior), seeded by the prompt and
 * the subject so the same subject always gets the same answer; the highest draw wins. A variant that earns more is
 * chosen more often, in proportion to how likely it is the best, while the others keep being tried. Returns
 * undefined while no variant has any engagement (the caller keeps its weighted pick).
 */
export function chooseVariant(prompt: PromptDefinition, engagement: readonly VariantEngagement[], subjectKey: string): string | undefined {
  if (!engagement.some((e) => e.trials > 0)) return undefined;
  const rng = createRng(`${prompt.id}@${prompt.version}:${subjectKey}`);
  let best: string | undefined;
  let bestDraw = Number.NEGATIVE_INFINITY;
  for (const v of prompt.allVariants) {
    const e = engagement.find((x) => x.variantId === v.id);
    const post = betaPosterior({ successes: e?.successes ?? 0, trials: e?.trials ?? 0 });
    const draw = sampleBeta(rng, post.alpha, post.beta);
    if (draw > bestDraw) {
      bestDraw = draw;
      best = v.id;
    }
  }
  return best;
}
