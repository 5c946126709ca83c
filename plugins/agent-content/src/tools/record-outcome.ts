import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { contentErrors } from '../errors.js';
import { contentPrompts, recordDraftOutcome } from '../prompts.js';
import { loadDraft } from '../store.js';

const input = z.object({
  draftId: z.string().min(1).describe('The draft the outcome is about.'),
  outcome: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a lowercase word such as accepted, rejected, published, clicked')
    .refine((o) => o !== 'drafted', 'drafted is recorded by draft itself')
    .describe('What became of the draft: accepted, rejected, published, clicked, converted… (lowercase, one word).'),
  value: z.number().finite().optional().describe('A measure that goes with it, e.g. a click-through rate or revenue.'),
});

export const recordOutcome = defineTool({
  name: 'record_outcome',
  description:
    'Records what became of a draft (accepted, rejected, published, clicked…, with an optional value) under the prompt version and A/B variant that wrote it; prompt_stats compares the variants. Recording the same outcome of a draft again replaces it.',
  sideEffect: 'write',
  input,
  output: z.object({
    draftId: z.string(),
    prompt: z.object({ id: z.string(), version: z.string(), variantId: z.string() }),
    outcome: z.string(),
    value: z.number().optional(),
  }),
  async run(a, ctx) {
    const { draft } = await loadDraft(ctx, a.draftId);
    if (!draft.prompt)
      throw contentErrors.create('NH_CONTENT_NOT_TRACKED', `draft ${a.draftId} has no prompt variant to record an outcome for`, {
        details: { draftId: a.draftId },
      });
    await recordDraftOutcome(contentPrompts(ctx.store), draft, a.outcome, a.value);
    return { draftId: a.draftId, prompt: draft.prompt, outcome: a.outcome, ...(a.value === undefined ? {} : { value: a.value }) };
  },
});
