import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { ALLOCATIONS } from '../learning.js';
import { loadCampaign } from '../store.js';
import { type Allocation, AllocationSchema } from './reallocate.js';

export const allocationHistory = defineTool({
  name: 'allocation_history',
  description:
    "The budget decisions reallocate made for a campaign, newest first: each variant's share, probability of being best and status, and the reason in words.",
  sideEffect: 'read',
  input: z.object({
    campaignId: z.string().min(1).describe('The campaign.'),
    limit: z.number().int().min(1).max(200).default(20).describe('At most this many decisions (default 20).'),
  }),
  output: z.object({ campaignId: z.string(), decisions: z.array(AllocationSchema) }),
  async run(a, ctx) {
    await loadCampaign(ctx.store, a.campaignId);
    const all = await ctx.store.list<Allocation>(ALLOCATIONS, { prefix: `${a.campaignId}/`, limit: 1000 });
    return {
      campaignId: a.campaignId,
      decisions: all
        .map((r) => r.value)
        .reverse()
        .slice(0, a.limit),
    };
  },
});
