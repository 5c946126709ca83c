import { defineTool, type MemoryAccess, WINNING_CONTENT_COLLECTION } from '@neonhub/sdk';
import { z } from 'zod';
import { contentErrors } from '../errors.js';
import { type Draft, OFFLINE_LABEL, type Version } from '../model.js';
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
 * Remembers a version of a draft as winning content (keyed by the draft: remembering it again replaces the figures,
 * never adds a copy). The offline model's label is not part of the copy that won.
 */
export async function rememberDraft(
  memory: MemoryAccess,
  draft: Draft,
  v: Version,
  figures: { metric?: string; value?: number; [k: string]: unknown },
): Promise<{ documentId: string; collection: string; deduplicated: boolean }> {
  const text = v.text.startsWith(OFFLINE_LABEL) ? v.text.split('\n').slice(1).join('\n').trim() : v.text;
  const r = await memory.remember({
    title: `Winning ${draft.kind}: ${draft.topic}`.slice(0, 500),
    content: text,
    collection: WINNING_CONTENT_COLLECTION,
    collectionKind: 'agent_memory',
    source: `agent-content:${draft.draftId}@${v.version}`,
    key: `winner:${draft.draftId}`.toLowerCase().replace(/[^a-z0-9_:.-]/g, '-'),
    metadata: {
      tags: ['winning-content'],
      draftId: draft.draftId,
      version: v.version,
      kind: draft.kind,
      topic: draft.topic,
      ...(draft.prompt ? { prompt: draft.prompt } : {}),
      ...figures,
    },
  });
  return { documentId: r.documentId, collection: WINNING_CONTENT_COLLECTION, deduplicated: r.deduplicated };
}

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
    const r = await rememberDraft(ctx.memory, draft, v, {
      ...(a.metric ? { metric: a.metric } : {}),
      ...(a.value === undefined ? {} : { value: a.value }),
    });
    ctx.logger.info({ draftId: draft.draftId, version: v.version, documentId: r.documentId }, 'winning draft remembered');
    return { draftId: draft.draftId, version: v.version, ...r };
  },
});
