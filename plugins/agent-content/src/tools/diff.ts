import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { unifiedDiff } from '../diff.js';
import { loadDraft, loadVersion } from '../store.js';

const input = z.object({
  draftId: z.string().min(1).describe('The draft whose versions to compare.'),
  from: z.number().int().min(1).optional().describe('The older version (default: the one before `to`).'),
  to: z.number().int().min(1).optional().describe('The newer version (default: the latest).'),
});

export const diff = defineTool({
  name: 'diff',
  description:
    'Returns a unified line diff between two versions of a draft (by default the latest and the one before it), with the numbers of added and removed lines.',
  sideEffect: 'read',
  input,
  output: z.object({ draftId: z.string(), from: z.number(), to: z.number(), unified: z.string(), added: z.number(), removed: z.number() }),
  async run(a, ctx) {
    const { draft } = await loadDraft(ctx, a.draftId);
    const to = a.to ?? draft.latestVersion;
    const from = a.from ?? Math.max(1, to - 1);
    const [older, newer] = await Promise.all([loadVersion(ctx, draft, from), loadVersion(ctx, draft, to)]);
    const d = unifiedDiff(a.draftId, from, older.text, to, newer.text);
    return { draftId: a.draftId, from, to, unified: d.patch, added: d.added, removed: d.removed };
  },
});
