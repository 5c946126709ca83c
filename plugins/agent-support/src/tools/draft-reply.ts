import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { configOf } from '../config.js';
import { CustomerSchema } from '../model.js';
import { replyPrompt, replySystem } from '../prompts.js';
import { triage } from '../triage.js';

const input = z.object({
  text: z.string().trim().min(1).max(50_000).describe('The customer message to answer.'),
  customer: CustomerSchema.default({ vip: false }).describe('Who wrote it; the name is used in the greeting.'),
  notes: z
    .array(z.string().trim().min(1).max(1000))
    .max(10)
    .default([])
    .describe('What the reply must say: facts from the agent or the knowledge base, e.g. "refund issued, 3–5 business days".'),
});

export const draftReply = defineTool({
  name: 'draft_reply',
  description:
    'Drafts a reply to a support message with the workspace model, for a person to review: triages the message first, then writes an e-mail that acknowledges it and says what happens next, using only the notes given as facts.',
  sideEffect: 'none',
  timeoutMs: 120_000,
  input,
  output: z.object({
    reply: z.string(),
    /** True when NeonHub's offline model wrote it: the reply then starts with "[offline model]". */
    offline: z.boolean(),
    model: z.string(),
    category: z.enum(['billing', 'technical', 'account', 'feedback', 'other']),
    priority: z.enum(['low', 'normal', 'high', 'urgent']),
    /** The prompt version that wrote it. */
    prompt: z.object({ id: z.string(), version: z.string() }),
  }),
  async run(a, ctx) {
    const t = triage(a.text);
    const task = replyPrompt({ text: a.text, triage: t, ...(a.customer.name ? { customerName: a.customer.name } : {}), notes: a.notes });
    const r = await ctx.llm.generate({ system: replySystem(configOf(ctx).brandName), prompt: task.text, signal: ctx.signal });
    return {
      reply: r.text,
      offline: r.offline,
      model: `${r.provider}/${r.model}`,
      category: t.category,
      priority: t.priority,
      prompt: { id: task.promptId, version: task.version },
    };
  },
});
