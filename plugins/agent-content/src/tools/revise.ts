import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { configOf } from '../config.js';
import { unifiedDiff } from '../diff.js';
import { recallBrand } from '../memory.js';
import { bannedPhrasesOf, contentPrompts, disclosuresOf, recordDraftOutcome, revisePrompt, systemPrompt } from '../prompts.js';
import { checkQuality } from '../quality.js';
import { appendVersion, loadDraft, loadVersion } from '../store.js';
import { QualitySchema } from './shared.js';

const input = z
  .object({
    draftId: z.string().min(1).describe('The draft to revise.'),
    text: z
      .string()
      .min(1)
      .max(200_000)
      .optional()
      .describe('The new text, written by a person or another agent. Give text or instructions.'),
    instructions: z
      .string()
      .trim()
      .min(3)
      .max(2000)
      .optional()
      .describe(
        'What to change, for the model to rewrite the latest version, e.g. "shorter, end with a question". Give text or instructions.',
      ),
    note: z.string().max(500).optional().describe('A short note kept with the version, e.g. "legal review".'),
  })
  .refine((v) => (v.text !== undefined) !== (v.instructions !== undefined), {
    message: 'give either text or instructions',
    path: ['text'],
  });

export const revise = defineTool({
  name: 'revise',
  description:
    'Creates the next version of a draft, from a given text or by asking the workspace model to apply instructions to the latest version (in the voice and rules of the workspace’s brand kit in memory, as draft reads it); returns the new version, its unified diff against the previous one and the quality gate result (the brand kit’s banned phrases and disclosures included).',
  sideEffect: 'write',
  timeoutMs: 120_000,
  input,
  output: z.object({
    draftId: z.string(),
    version: z.number(),
    text: z.string(),
    offline: z.boolean(),
    diff: z.string(),
    quality: QualitySchema,
  }),
  async run(a, ctx) {
    const config = configOf(ctx);
    const { draft } = await loadDraft(ctx, a.draftId);
    const previous = await loadVersion(ctx, draft, draft.latestVersion);
    // the brand kit in memory, as draft reads it: the voice and rules for a rewrite, the banned phrases and disclosures
    // for the quality gate
    const brand = await recallBrand(ctx, [draft.topic, draft.audience, ...draft.keywords].filter(Boolean).join(' '));
    let text: string;
    let meta: { source: 'model' | 'edit'; model?: string; offline: boolean };
    if (a.text !== undefined) {
      text = a.text;
      meta = { source: 'edit', offline: false };
    } else {
      const r = await ctx.llm.generate({
        system: systemPrompt(config, [], brand, draft.kind),
        prompt: revisePrompt(draft.kind, draft.topic, a.instructions!, previous.text),
        signal: ctx.signal,
      });
      text = r.text;
      meta = { source: 'model', model: `${r.provider}/${r.model}`, offline: r.offline };
    }
    const saved = await appendVersion(ctx, a.draftId, () => ({
      text,
      ...meta,
      ...(a.note ? { note: a.note } : {}),
      createdAt: new Date().toISOString(),
    }));
    // A person's text counts as an edit of the model's draft, a model rewrite as a revision (A/B outcomes).
    await recordDraftOutcome(contentPrompts(ctx.store), draft, a.text !== undefined ? 'edited' : 'revised');
    // Diff against the version this revision started from.
    const diff = unifiedDiff(a.draftId, previous.version, previous.text, saved.version.version, text);
    return {
      draftId: a.draftId,
      version: saved.version.version,
      text,
      offline: meta.offline,
      diff: diff.patch,
      quality: checkQuality(text, draft.kind, bannedPhrasesOf(config, brand), disclosuresOf(brand, draft.kind)),
    };
  },
});
