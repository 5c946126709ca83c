import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { RangeInput, SummarySchema, summarize } from '../summary.js';

/** `beforeRead` writes what this host has buffered for the workspace first (eco's recorder). */
export const usageSummaryTool = (beforeRead: (workspaceId: string) => Promise<void> = async () => {}) =>
  defineTool({
    name: 'usage_summary',
    description:
      'Totals of tool calls, LLM tokens, estimated energy (Wh) and CO2e (g) over a range of UTC days (or one run), by model, by tool and by day. A single day is one read: cheap enough for budget checks.',
    input: z.object({
      ...RangeInput,
      runId: z.string().min(1).max(100).optional().describe('Totals of one run instead of a date range.'),
    }),
    output: SummarySchema,
    sideEffect: 'read',
    async run(q, ctx) {
      await beforeRead(ctx.workspace.id);
      return summarize(ctx.store, q);
    },
  });
