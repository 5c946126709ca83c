import { z } from 'zod';
import { WsParamsSchema } from './common.js';
import { defineRoute } from './route.js';

/**
 * A workspace's brand kit (issue 15, docs/memory.md#the-brand-kit): saved on the console's brand kit page and stored
 * in the workspace's memory, one document per section, so that every draft recalls it.
 */
export const BrandKitSchema = z.strictObject({
  /** How the brand sounds, e.g. "warm, plain-spoken, no jargon". */
  voice: z.string().trim().max(2000).default(''),
  /** Phrases a draft must not contain. */
  bannedPhrases: z.array(z.string().trim().min(1).max(200)).max(500).default([]),
  /** Lines a message must carry, per channel (e.g. e-mail: "You get this because you joined our list."). */
  disclosures: z
    .array(z.strictObject({ channel: z.string().trim().min(1).max(40), text: z.string().trim().min(1).max(1000) }))
    .max(50)
    .default([]),
  /** Product facts (Markdown: one fact per line or bullet), quoted by drafts as they are. */
  facts: z.string().max(100_000).default(''),
});
export type BrandKit = z.infer<typeof BrandKitSchema>;

export const BrandKitSectionSchema = z.enum(['voice', 'banned', 'disclosures', 'facts']);

/** The brand kit as the workspace's memory holds it: its sections and the document each is stored as. */
export const BrandKitStateSchema = z.object({
  kit: BrandKitSchema,
  /** The plugin providing memory here (the memory contract), which stores the sections. */
  provider: z.string(),
  sections: z.array(
    z.object({
      section: BrandKitSectionSchema,
      /** The memory document of the section; null when the section is empty (nothing stored). */
      documentId: z.string().nullable(),
      chunks: z.number().int().min(0),
    }),
  ),
});
export type BrandKitState = z.infer<typeof BrandKitStateSchema>;

const ws = '/api/workspaces/:ws';

export const brandRoutes = {
  getBrandKit: defineRoute({
    method: 'GET',
    path: `${ws}/brand-kit`,
    access: 'viewer',
    tag: 'brand',
    summary: "The brand kit as stored in the workspace's memory (voice, banned phrases, disclosures, product facts)",
    params: WsParamsSchema,
    response: { 200: BrandKitStateSchema },
  }),
  saveBrandKit: defineRoute({
    method: 'PUT',
    path: `${ws}/brand-kit`,
    access: 'member',
    tag: 'brand',
    summary: "Saves the brand kit into the workspace's memory: one document per section, replacing the previous one",
    params: WsParamsSchema,
    body: BrandKitSchema,
    response: { 200: BrandKitStateSchema },
  }),
} as const;
