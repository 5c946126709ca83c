import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { NetworkSchema, POSTS, type RecordedPost, RecordedPostSchema } from '../post.js';

const input = z.object({
  idempotencyKey: z
    .string()
    .min(1)
    .optional()
    .describe('Only the post recorded under this idempotency key (e.g. to check whether an approved post went out).'),
  network: NetworkSchema.optional().describe('Only posts for this network.'),
  limit: z.number().int().min(1).max(500).default(50).describe('Most posts to return (1–500, default 50).'),
  after: z.number().int().min(0).optional().describe('Cursor: return posts recorded after this one (the nextCursor of the previous page).'),
});

const output = z.object({
  posts: z.array(RecordedPostSchema.extend({ cursor: z.number() })),
  /** Pass as `after` for the next page; null when this page is the last. */
  nextCursor: z.number().nullable(),
  /** Posts recorded in this workspace in total (the network filter aside). */
  total: z.number(),
});

export const posts = defineTool({
  name: 'posts',
  description:
    'Lists the posts the sandbox social connector recorded in this workspace, oldest first, paged by cursor and optionally filtered by network. Read-only.',
  sideEffect: 'read',
  input,
  output,
  async run(a, ctx) {
    if (a.idempotencyKey !== undefined) {
      const r = await ctx.store.get<RecordedPost>(POSTS, a.idempotencyKey);
      return { posts: r ? [{ ...r.value, cursor: r.seq }] : [], nextCursor: null, total: await ctx.store.count(POSTS) };
    }
    const found: Array<RecordedPost & { cursor: number }> = [];
    let after: number | undefined = a.after;
    for (;;) {
      const page = await ctx.store.list<RecordedPost>(POSTS, { order: 'seq', limit: 500, ...(after !== undefined ? { after } : {}) });
      for (const r of page) {
        after = r.seq;
        if (a.network && r.value.network !== a.network) continue;
        found.push({ ...r.value, cursor: r.seq });
        if (found.length === a.limit) break;
      }
      if (found.length === a.limit || page.length < 500) break;
    }
    const last = found.at(-1);
    const rest = last ? await ctx.store.list(POSTS, { order: 'seq', limit: 1, after: last.cursor }) : [];
    return { posts: found, nextCursor: last && rest.length > 0 ? last.cursor : null, total: await ctx.store.count(POSTS) };
  },
});
