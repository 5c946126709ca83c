import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { DECISIONS, type Decision, DecisionSchema } from '../decisions.js';

/** `beforeRead` writes the allows this host still buffers for the workspace first. */
export const listDecisionsTool = (beforeRead: (workspaceId: string) => Promise<void> = async () => {}) =>
  defineTool({
    name: 'list_decisions',
    description:
      'Lists governance decisions (allow, deny, approval) in the order they were made, each with the call, tool, actor, the deciding policy rule, the NH_GOV_* code and the reason; filter by tool or decision.',
    sideEffect: 'read',
    input: z.object({
      tool: z.string().min(1).optional().describe('Only decisions on this tool (plugin:tool)'),
      decision: z.enum(['allow', 'deny', 'approval']).optional().describe('Only this kind of decision'),
      callId: z.string().min(1).optional().describe('Only decisions on this call'),
      limit: z.number().int().min(1).max(500).default(100).describe('At most this many decisions (default 100)'),
      after: z.number().int().min(0).optional().describe('The `next` cursor of the previous page'),
    }),
    output: z.object({ decisions: z.array(DecisionSchema.extend({ seq: z.number().int() })), next: z.number().int().nullable() }),
    run: async (input, ctx) => {
      await beforeRead(ctx.workspace.id);
      const out: Array<Decision & { seq: number }> = [];
      let after = input.after;
      for (;;) {
        const page = await ctx.store.list<Decision>(DECISIONS, { order: 'seq', limit: 500, ...(after !== undefined ? { after } : {}) });
        for (const r of page) {
          after = r.seq;
          const d = r.value;
          if (
            (input.tool && d.tool !== input.tool) ||
            (input.decision && d.decision !== input.decision) ||
            (input.callId && d.callId !== input.callId)
          )
            continue;
          out.push({ ...d, seq: r.seq });
          if (out.length === input.limit) return { decisions: out, next: r.seq };
        }
        if (page.length < 500) return { decisions: out, next: null };
      }
    },
  });
