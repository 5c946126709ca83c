import { z } from 'zod';

export const KindSchema = z.enum(['blog', 'email', 'social']);
export type Kind = z.infer<typeof KindSchema>;
export const LengthSchema = z.enum(['short', 'medium', 'long']);
export type Length = z.infer<typeof LengthSchema>;

/** Target words per kind and length, told to the model. */
export const TARGET_WORDS: Record<Kind, Record<Length, number>> = {
  blog: { short: 500, medium: 900, long: 1500 },
  email: { short: 80, medium: 150, long: 250 },
  social: { short: 20, medium: 40, long: 80 },
};

/** What check_quality accepts, in words. */
export const WORD_BOUNDS: Record<Kind, { min: number; max: number }> = {
  blog: { min: 300, max: 2500 },
  email: { min: 40, max: 400 },
  social: { min: 3, max: 120 },
};

export const DraftSchema = z.object({
  draftId: z.string(),
  kind: KindSchema,
  topic: z.string(),
  audience: z.string().optional(),
  keywords: z.array(z.string()),
  length: LengthSchema,
  latestVersion: z.number(),
  /** The prompt (and A/B variant) that wrote version 1; absent on drafts from before prompts were tracked. */
  prompt: z.object({ id: z.string(), version: z.string(), variantId: z.string() }).optional(),
  /** The memory chunks version 1 drew on (chunk, document, collection, title, source); absent on older drafts. */
  memory: z
    .array(
      z.object({ chunkId: z.string(), documentId: z.string(), collection: z.string(), title: z.string(), source: z.string().nullable() }),
    )
    .optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Draft = z.infer<typeof DraftSchema>;

export const VersionSchema = z.object({
  version: z.number(),
  text: z.string(),
  /** model: written by ctx.llm; edit: text given by a person or agent. */
  source: z.enum(['model', 'edit']),
  /** provider/model for model versions. */
  model: z.string().optional(),
  /** True when the offline model wrote it: a template, not real copy. */
  offline: z.boolean(),
  note: z.string().optional(),
  createdAt: z.string(),
});
export type Version = z.infer<typeof VersionSchema>;

export const DRAFTS = 'drafts';
/** Keyed `<draftId>/<version, 6 digits>`. */
export const VERSIONS = 'versions';
export const versionKey = (draftId: string, version: number) => `${draftId}/${String(version).padStart(6, '0')}`;

/** The offline model's label: every text it writes starts with it. */
export const OFFLINE_LABEL = '[offline model]';
