import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { CAMPAIGNS, type Campaign, statusOf } from '../model.js';
import { CampaignViewSchema } from './create-campaign.js';

const input = z.object({
  status: z
    .enum(['scheduled', 'active', 'ended'])
    .optional()
    .describe('Only campaigns in this state (by today’s date against start and end).'),
  limit: z.number().int().min(1).max(500).default(100).describe('Most campaigns to return (default 100).'),
});

export const listCampaigns = defineTool({
  name: 'list_campaigns',
  description:
    'Lists the campaigns of this workspace, newest start date first, optionally only scheduled, active or ended ones. Read-only.',
  sideEffect: 'read',
  input,
  output: z.object({ campaigns: z.array(CampaignViewSchema) }),
  async run(a, ctx) {
    const all: Campaign[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await ctx.store.list<Campaign>(CAMPAIGNS, { limit: 1000, ...(after ? { after } : {}) });
      all.push(...page.map((r) => r.value));
      if (page.length < 1000) break;
      after = page.at(-1)!.key;
    }
    const campaigns = all
      .map((c) => ({ ...c, status: statusOf(c) }))
      .filter((c) => !a.status || c.status === a.status)
      .sort((x, y) => y.startDate.localeCompare(x.startDate) || y.createdAt.localeCompare(x.createdAt))
      .slice(0, a.limit);
    return { campaigns };
  },
});
