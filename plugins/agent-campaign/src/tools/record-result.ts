import { randomUUID } from 'node:crypto';
import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { campaignErrors } from '../errors.js';
import { ChannelSchema, RESULTS, type Result, TotalsSchema, totalsOf } from '../model.js';
import { assertChannel, loadCampaign, resultsOf } from '../store.js';

const input = z
  .object({
    campaignId: z.string().min(1).describe('The campaign the numbers belong to.'),
    channel: ChannelSchema.optional().describe('The channel; may be left out when variantId is given (the variant’s channel is used).'),
    variantId: z.string().min(1).optional().describe('The A/B variant the numbers belong to, if any.'),
    impressions: z.number().int().nonnegative().describe('Impressions (or sends, for e-mail) in this period.'),
    conversions: z.number().int().nonnegative().describe('Conversions in this period; not more than impressions.'),
    spend: z.number().nonnegative().default(0).describe('Money spent in this period, in the campaign currency.'),
    date: z.iso.date().optional().describe('The day the numbers are for, YYYY-MM-DD (default today).'),
  })
  .refine((v) => v.conversions <= v.impressions, { message: 'conversions cannot exceed impressions', path: ['conversions'] })
  .refine((v) => v.channel !== undefined || v.variantId !== undefined, { message: 'give a channel or a variantId', path: ['channel'] });

export const recordResult = defineTool({
  name: 'record_result',
  description:
    'Records campaign results for a channel or an A/B variant (impressions, conversions, spend); returns the running totals for that channel or variant. These results feed allocate_budget.',
  sideEffect: 'write',
  input,
  output: z.object({ channel: ChannelSchema, variantId: z.string().optional(), totals: TotalsSchema }),
  async run(a, ctx) {
    const campaign = await loadCampaign(ctx.store, a.campaignId);
    let channel = a.channel;
    if (a.variantId !== undefined) {
      const v = await ctx.store.get<{ channel: Result['channel'] }>('variants', `${a.campaignId}/${a.variantId}`);
      if (!v)
        throw campaignErrors.create('NH_CAMPAIGN_VARIANT_NOT_FOUND', `campaign ${a.campaignId} has no variant ${a.variantId}`, {
          details: { variantId: a.variantId },
        });
      if (channel !== undefined && channel !== v.value.channel)
        throw campaignErrors.create('NH_CAMPAIGN_CHANNEL_UNKNOWN', `variant ${a.variantId} runs on ${v.value.channel}, not ${channel}`);
      channel = v.value.channel;
    }
    assertChannel(campaign, channel!);
    const recordedAt = new Date().toISOString();
    const row: Result = {
      campaignId: a.campaignId,
      channel: channel!,
      ...(a.variantId ? { variantId: a.variantId } : {}),
      impressions: a.impressions,
      conversions: a.conversions,
      spend: a.spend,
      date: a.date ?? recordedAt.slice(0, 10),
      recordedAt,
    };
    await ctx.store.put(RESULTS, `${a.campaignId}/${recordedAt}-${randomUUID()}`, row);
    const all = await resultsOf(ctx.store, a.campaignId);
    const mine = all.filter((r) => (a.variantId ? r.variantId === a.variantId : r.channel === channel));
    return { channel: channel!, ...(a.variantId ? { variantId: a.variantId } : {}), totals: totalsOf(mine) };
  },
});
