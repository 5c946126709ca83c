import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { DRAFTS, type Draft, DraftSchema, KindSchema } from '../model.js';

const input = z.object({
  kind: KindSchema.optional().describe('Only drafts of this kind (blog, email, social).'),
  limit: z.number().int().min(1).max(500).default(50).describe('Most drafts to return, most recently updated first (default 50).'),
});

export const listDrafts = defineTool({
  name: 'list_drafts',
  description: 'Lists the drafts of this workspace, most recently updated first, optionally of one kind. Read-only.',
  sideEffect: 'read',
  input,
  output: z.object({ drafts: z.array(DraftSchema) }),
  async run(a, ctx) {
    const all: Draft[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await ctx.store.list<Draft>(DRAFTS, { limit: 1000, ...(after ? { after } : {}) });
      all.push(...page.map((r) => r.value));
      if (page.length < 1000) break;
      after = page.at(-1)!.key;
    }
    return {
      drafts: all
        .filter((d) => !a.kind || d.kind === a.kind)
        .sort((x, y) => y.updatedAt.localeCompare(x.updatedAt) || x.draftId.localeCompare(y.draftId))
        .slice(0, a.limit),
    };
  },
});
