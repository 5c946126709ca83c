import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { budgetReached, DailyUsageSchema, usageOn } from '../budget.js';
import { currentPolicy } from '../policy/store.js';
import { type GovDeps, isoDay } from '../store-util.js';

export const budgetStatusTool = (deps: GovDeps) =>
  defineTool({
    name: 'budget_status',
    description:
      "Returns governance's running counters of language-model usage for a UTC day (tokens and estimated cost), the policy's daily caps and whether a cap is reached (calls are then denied).",
    sideEffect: 'read',
    input: z.object({
      day: z.iso.date().optional().describe('The UTC day (YYYY-MM-DD); default today'),
    }),
    output: z.object({
      usage: DailyUsageSchema,
      tokensPerDay: z.number().nullable(),
      costUsdPerDay: z.number().nullable(),
      reached: z.string().nullable(),
    }),
    run: async (input, ctx) => {
      const { policy } = await currentPolicy(ctx.store);
      const usage = await usageOn(ctx.store, input.day ?? isoDay(deps.now()));
      return {
        usage,
        tokensPerDay: policy.budget.tokensPerDay ?? null,
        costUsdPerDay: policy.budget.costUsdPerDay ?? null,
        reached: budgetReached(policy, usage)?.rule ?? null,
      };
    },
  });
