import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { statusOf, TotalsSchema, totalsOf, VariantSchema } from '../model.js';
import { loadCampaign, resultsOf, variantsOf } from '../store.js';
import { CampaignViewSchema } from './create-campaign.js';

const input = z.object({ campaignId: z.string().min(1).describe('The campaign id (from create_campaign or list_campaigns).') });

export const getCampaign = defineTool({
  name: 'get_campaign',
  description:
    'Returns one campaign with its A/B variants and the recorded results totalled per channel, per variant and overall. Read-only.',
  sideEffect: 'read',
  input,
  output: z.object({
    campaign: CampaignViewSchema,
    variants: z.array(VariantSchema.extend({ totals: TotalsSchema })),
    byChannel: z.array(z.object({ channel: z.string(), totals: TotalsSchema })),
    totals: TotalsSchema,
    /** budget − spend so far. */
    remainingBudget: z.number(),
  }),
  async run(a, ctx) {
    const campaign = await loadCampaign(ctx.store, a.campaignId);
    const [variants, results] = await Promise.all([variantsOf(ctx.store, a.campaignId), resultsOf(ctx.store, a.campaignId)]);
    const totals = totalsOf(results);
    return {
      campaign: { ...campaign, status: statusOf(campaign) },
      variants: variants.map((v) => ({ ...v, totals: totalsOf(results.filter((r) => r.variantId === v.variantId)) })),
      byChannel: campaign.channels.map((channel) => ({ channel, totals: totalsOf(results.filter((r) => r.channel === channel)) })),
      totals,
      remainingBudget: Math.round((campaign.budget - totals.spend) * 100) / 100,
    };
  },
});
