import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { OUTBOX, type OutboxMessage, OutboxMessageSchema } from '../message.js';

const input = z.object({
  idempotencyKey: z
    .string()
    .min(1)
    .optional()
    .describe('Only the message recorded under this idempotency key (e.g. to check whether an approved send went out).'),
  limit: z.number().int().min(1).max(500).default(50).describe('Most messages to return (1–500, default 50).'),
  after: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Cursor: return messages recorded after this one (the nextCursor of the previous page).'),
  to: z.string().optional().describe('Only messages with this recipient address (case-insensitive).'),
});

const output = z.object({
  messages: z.array(OutboxMessageSchema.extend({ cursor: z.number() })),
  /** Pass as `after` for the next page; null when this page is the last. */
  nextCursor: z.number().nullable(),
  /** Messages in the outbox in total (every recipient filter aside). */
  total: z.number(),
});

export const outbox = defineTool({
  name: 'outbox',
  description:
    'Lists the messages the sandbox e-mail connector recorded in this workspace, oldest first, paged by cursor and optionally filtered by recipient. Read-only.',
  sideEffect: 'read',
  input,
  output,
  async run(a, ctx) {
    if (a.idempotencyKey !== undefined) {
      const r = await ctx.store.get<OutboxMessage>(OUTBOX, a.idempotencyKey);
      return { messages: r ? [{ ...r.value, cursor: r.seq }] : [], nextCursor: null, total: await ctx.store.count(OUTBOX) };
    }
    const want = a.to?.toLowerCase();
    const messages: Array<OutboxMessage & { cursor: number }> = [];
    let after: number | undefined = a.after;
    let more = true;
    while (messages.length < a.limit && more) {
      const page = await ctx.store.list<OutboxMessage>(OUTBOX, { order: 'seq', limit: 500, ...(after !== undefined ? { after } : {}) });
      more = page.length === 500;
      for (const r of page) {
        after = r.seq;
        if (want && !r.value.to.some((t) => t.toLowerCase() === want)) continue;
        messages.push({ ...r.value, cursor: r.seq });
        if (messages.length === a.limit) break;
      }
      if (page.length === 0) more = false;
    }
    const last = messages.at(-1);
    const rest = last ? await ctx.store.list(OUTBOX, { order: 'seq', limit: 1, after: last.cursor }) : [];
    return { messages, nextCursor: last && rest.length > 0 ? last.cursor : null, total: await ctx.store.count(OUTBOX) };
  },
});
