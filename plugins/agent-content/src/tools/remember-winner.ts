import { defineTool, WINNING_CONTENT_COLLECTION } from '@neonhub/sdk';
import { z } from 'zod';
import { contentErrors } from '../errors.js';
import { OFFLINE_LABEL } from '../model.js';
import { loadDraft, loadVersion } from '../store.js';

const input = z.object({
  draftId: z.string().min(1).describe('The draft that won (its results beat the others).'),
  version: z.number().int().min(1).optional().describe('The version that went out; the latest when omitted.'),
  metric: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/)
    .optional()
    .describe('What it won on, e.g. click_rate, conversions (lowercase, one word).'),
  value: z.number().finite().optional().describe('Its value on that metric, e.g. 0.042.'),
});

export const RememberWinnerResultSchema = z.object({
  draftId: z.string(),
  version: z.number(),
  documentId: z.string(),
  collection: z.string(),
  /** The same text was remembered before: nothing new was stored. */
  deduplicated: z.boolean(),
});

/**
 * Stores a draft whose results won in the workspace's memory (collection `winning-content`, tagged
 * `winning-content`), so that later drafts recall it as an example of what worked. Results scoring calls it (or
 * record_outcome with outcome `won`).
 */
export const rememberWinner = defineTool({
  name: 'remember_winner',
  description:
    "Stores a draft whose results won in the workspace's memory (collection winning-content, tagged winning-content, with the metric and value it won on), so that later drafts recall it as an example of what worked.",
  sideEffect: 'write',
  input,
  output: RememberWinnerResultSchema,
  async run(a, ctx) {
    const { draft } = await loadDraft(ctx, a.draftId);
    const v = await loadVersion(ctx, draft, a.version ?? draft.latestVersion);
    if (!ctx.memory)
      throw contentErrors.create('NH_CONTENT_MEMORY_UNAVAILABLE', 'no plugin providing memory is enabled in this workspace: enable memory');
    // the offline model's label is not part of the copy that won
    const text = v.text.startsWith(OFFLINE_LABEL) ? v.text.split('\n').slice(1).join('\n').trim() : v.text;
    const r = await ctx.memory.remember({
      title: `Winning ${draft.kind}: ${draft.topic}`.slice(0, 500),
      content: text,
      collection: WINNING_CONTENT_COLLECTION,
      collectionKind: 'agent_memory',
      source: `agent-content:${draft.draftId}@${v.version}`,
      metadata: {
        tags: ['winning-content'],
        draftId: draft.draftId,
        version: v.version,
        kind: draft.kind,
        topic: draft.topic,
        ...(draft.prompt ? { prompt: draft.prompt } : {}),
        ...(a.metric ? { metric: a.metric } : {}),
        ...(a.value === undefined ? {} : { value: a.value }),
      },
    });
    ctx.logger.info({ draftId: draft.draftId, version: v.version, documentId: r.documentId }, 'winning draft remembered');
    return {
      draftId: draft.draftId,
      version: v.version,
      documentId: r.documentId,
      collection: WINNING_CONTENT_COLLECTION,
      deduplicated: r.deduplicated,
    };
  },
});
