import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { configOf } from '../config.js';
import { recallBrand } from '../memory.js';
import { KindSchema } from '../model.js';
import { bannedPhrasesOf, disclosuresOf } from '../prompts.js';
import { checkQuality } from '../quality.js';
import { loadDraft, loadVersion } from '../store.js';
import { QualitySchema } from './shared.js';

const input = z
  .object({
    draftId: z
      .string()
      .min(1)
      .optional()
      .describe('Check a stored draft (its latest version unless `version` is given). Give draftId, or text with kind.'),
    version: z.number().int().min(1).optional().describe('With draftId: the version to check.'),
    text: z.string().min(1).max(200_000).optional().describe('Check this text instead of a stored draft.'),
    kind: KindSchema.optional().describe('With text: blog, email or social (sets the length bounds).'),
    bannedPhrases: z.array(z.string().min(1).max(200)).max(500).default([]).describe('Extra banned phrases, on top of the config’s.'),
  })
  .refine((v) => (v.draftId !== undefined) !== (v.text !== undefined), {
    message: 'give either draftId, or text with kind',
    path: ['draftId'],
  })
  .refine((v) => v.text === undefined || v.kind !== undefined, { message: 'text needs a kind', path: ['kind'] });

export const checkQualityTool = defineTool({
  name: 'check_quality',
  description:
    'The content quality gate: Flesch reading ease (at least 50), word count within the bounds of the kind (blog 300–2500, email 40–400, social 3–120), no banned phrase from the config or the workspace’s brand kit in memory, every disclosure the brand kit requires for the kind (word for word), and not an offline-model template; returns pass or fail with reasons.',
  sideEffect: 'read',
  input,
  output: QualitySchema,
  async run(a, ctx) {
    const stored = a.draftId === undefined ? undefined : (await loadDraft(ctx, a.draftId)).draft;
    const kind = stored?.kind ?? a.kind!;
    // the brand kit in memory (as draft reads it): its banned phrases and this kind's disclosures
    const brand = await recallBrand(
      ctx,
      stored ? [stored.topic, stored.audience, ...stored.keywords].filter(Boolean).join(' ') : (a.text ?? '').slice(0, 500),
    );
    const banned = [...bannedPhrasesOf(configOf(ctx), brand), ...a.bannedPhrases];
    const text = stored ? (await loadVersion(ctx, stored, a.version ?? stored.latestVersion)).text : a.text!;
    return checkQuality(text, kind, banned, disclosuresOf(brand, kind));
  },
});
