import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { RangeInput, SummarySchema, summarize } from '../summary.js';

export const usageSummary = defineTool({
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
    return summarize(ctx.store, q);
  },
});
