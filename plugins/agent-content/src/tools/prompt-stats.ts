import { defineTool, summarizeOutcomes } from '@neonhub/sdk';
import { z } from 'zod';
import { contentPrompts, DRAFT_PROMPT } from '../prompts.js';
import { LAST_PROMPT_DECISION, type PromptDecision } from '../scoring.js';

const input = z.object({
  version: z.string().optional().describe('Only this version of the draft prompt (default: every version).'),
});

const VariantSchema = z.object({
  variantId: z.string(),
  /** Drafts this variant wrote. */
  drafts: z.number(),
  /** Per outcome: how many drafts had it and the share of the variant's drafts that did. */
  outcomes: z.record(z.string(), z.object({ count: z.number(), rate: z.number() })),
  /** Sum of the values recorded with the outcomes. */
  valueSum: z.number(),
});

export const promptStats = defineTool({
  name: 'prompt_stats',
  description:
    "Compares the draft prompt's A/B variants: per variant, the drafts it wrote and how many were edited, revised, accepted, rejected, published… (counts and rates), from the outcomes recorded, and the last scoring by engagement with its reason. Read-only.",
  sideEffect: 'read',
  input,
  output: z.object({
    promptId: z.string(),
    versions: z.array(z.string()).describe('The prompt versions the figures cover.'),
    variants: z.array(VariantSchema),
    /** The last scoring by the engagement of what the variants wrote (learn_from_results, run on the host's schedule). */
    lastScoring: z.object({ decidedAt: z.string(), metric: z.string(), reason: z.string() }).nullable(),
  }),
  async run(a, ctx) {
    const prompts = contentPrompts(ctx.store);
    const filter = { promptId: DRAFT_PROMPT.id, ...(a.version ? { version: a.version } : {}) };
    const recorded = await prompts.store.list(filter);
    const stats = summarizeOutcomes(recorded);
    const versions = [...new Set(recorded.map((o) => o.version))].sort();
    const last = (await ctx.store.get<PromptDecision>(LAST_PROMPT_DECISION, DRAFT_PROMPT.id))?.value;
    return {
      promptId: DRAFT_PROMPT.id,
      versions,
      lastScoring: last ? { decidedAt: last.decidedAt, metric: last.metric, reason: last.reason } : null,
      variants: stats.map((s) => {
        const drafts = s.outcomes.drafted ?? 0;
        const outcomes = Object.fromEntries(
          Object.entries(s.outcomes)
            .filter(([name]) => name !== 'drafted')
            .map(([name, count]) => [name, { count, rate: drafts ? count / drafts : 0 }]),
        );
        return { variantId: s.variantId, drafts, outcomes, valueSum: s.valueSum };
      }),
    };
  },
});
