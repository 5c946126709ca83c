import { ContentIdSchema, PromptVariantIdSchema } from '@neonhub/schemas';
import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { composePost } from '../compose-post.js';
import { NetworkInputSchema, NetworkSchema, normalizeNetwork } from '../networks.js';

const input = z.object({
  network: NetworkInputSchema.describe('x (or twitter), linkedin, instagram or facebook.'),
  text: z.string().trim().min(1).max(100_000).describe('The post text; hashtags and links in it are validated and counted.'),
  hashtags: z
    .array(z.string().max(140))
    .max(100)
    .default([])
    .describe('Hashtags to append (with or without #); invalid ones are dropped with a warning.'),
  link: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('A link to append (on x it counts 23 characters whatever its length).'),
  contentId: ContentIdSchema.optional().describe(
    "The draft the text came from (e.g. agent-content's draftId): passed through to the output for publish.",
  ),
  promptVariant: PromptVariantIdSchema.optional().describe(
    'The prompt variant that wrote that draft: passed through to the output for publish.',
  ),
});

const output = z.object({
  network: NetworkSchema,
  /** The post to publish: trimmed to the limit, with the link and hashtags appended. */
  post: z.string(),
  length: z.number(),
  maxLength: z.number(),
  hashtags: z.array(z.string()),
  links: z.array(z.string()),
  trimmed: z.boolean(),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
  valid: z.boolean(),
  /** The draft and prompt variant given (null when none): publish carries them into the results. */
  contentId: z.string().nullable(),
  promptVariant: z.string().nullable(),
});

export const compose = defineTool({
  name: 'compose',
  description:
    'Fits a social post to a network: x 280 characters with links counted as 23, linkedin 3000, instagram 2200 with at most 30 hashtags, facebook 63206; validates hashtags and links, appends them, trims the text at a word boundary, and returns the post with warnings.',
  sideEffect: 'none',
  input,
  output,
  run: (a) => ({
    ...composePost({ network: normalizeNetwork(a.network), text: a.text, hashtags: a.hashtags, ...(a.link ? { link: a.link } : {}) }),
    contentId: a.contentId ?? null,
    promptVariant: a.promptVariant ?? null,
  }),
});
