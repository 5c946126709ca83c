import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { DraftSchema, VERSIONS, type Version, VersionSchema } from '../model.js';
import { loadDraft, loadVersion } from '../store.js';

const input = z.object({
  draftId: z.string().min(1).describe('The draft to read.'),
  version: z.number().int().min(1).optional().describe('Which version to return the text of (default: the latest).'),
});

export const getDraft = defineTool({
  name: 'get_draft',
  description:
    'Returns a draft: its brief, the text of one version (the latest by default) and the list of all its versions with who wrote them. Read-only.',
  sideEffect: 'read',
  input,
  output: z.object({
    draft: DraftSchema,
    current: VersionSchema,
    versions: z.array(VersionSchema.omit({ text: true }).extend({ characters: z.number() })),
  }),
  async run(a, ctx) {
    const { draft } = await loadDraft(ctx, a.draftId);
    const current = await loadVersion(ctx, draft, a.version ?? draft.latestVersion);
    const all = await ctx.store.list<Version>(VERSIONS, { prefix: `${a.draftId}/`, limit: 5000 });
    return {
      draft,
      current,
      versions: all.map(({ value: { text, ...rest } }) => ({ ...rest, characters: [...text].length })),
    };
  },
});
