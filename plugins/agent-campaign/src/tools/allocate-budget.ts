import { defineTool, splitAmount, thompsonShares } from '@neonhub/sdk';
import { z } from 'zod';
import { campaignErrors } from '../errors.js';
import { ChannelSchema, totalsOf } from '../model.js';
import { loadCampaign, resultsOf, variantsOf } from '../store.js';

const input = z.object({
  campaignId: z.string().min(1).describe('The campaign whose budget to allocate.'),
  by: z
    .enum(['channel', 'variant'])
    .default('channel')
    .describe('Allocate across the campaign’s channels (default) or across its A/B variants.'),
  channel: ChannelSchema.optional().describe('With by=variant: only the variants of this channel.'),
  amount: z
    .number()
    .nonnegative()
    .max(1e12)
    .optional()
    .describe('The amount to split; default the remaining budget (budget − recorded spend).'),
  samples: z.number().int().min(100).max(200_000).default(10_000).describe('Thompson draws (default 10000): more draws, steadier shares.'),
  seed: z
    .union([z.string().min(1).max(200), z.number().int()])
    .optional()
    .describe('Seed of the random draws, for reproducible shares; default the campaign id.'),
  minShare: z.number().min(0).max(0.5).default(0).describe('Least share each arm keeps for exploration (0–0.5, default 0).'),
});

const output = z.object({
  campaignId: z.string(),
  by: z.enum(['channel', 'variant']),
  amount: z.number(),
  currency: z.string(),
  seed: z.string(),
  samples: z.number(),
  arms: z.array(
    z.object({
      channel: ChannelSchema,
      variantId: z.string().optional(),
      variantName: z.string().optional(),
      impressions: z.number(),
      conversions: z.number(),
      /** Beta posterior parameters: conversions + 1 and non-converting impressions + 1. */
      alpha: z.number(),
      beta: z.number(),
      expectedConversionRate: z.number(),
      probabilityBest: z.number(),
      share: z.number(),
      amount: z.number(),
    }),
  ),
});

export const allocateBudget = defineTool({
  name: 'allocate_budget',
  description:
    'Splits a campaign budget across its channels or A/B variants by Thompson sampling over the recorded results (a Beta(conversions + 1, misses + 1) posterior per arm, seeded draws): returns each arm’s share, amount and expected conversion rate.',
  sideEffect: 'read',
  input,
  output,
  async run(a, ctx) {
    const campaign = await loadCampaign(ctx.store, a.campaignId);
    const results = await resultsOf(ctx.store, a.campaignId);
    let arms: Array<{ channel: (typeof campaign.channels)[number]; variantId?: string; variantName?: string; rows: typeof results }>;
    if (a.by === 'channel') {
      arms = campaign.channels.map((channel) => ({ channel, rows: results.filter((r) => r.channel === channel) }));
    } else {
      const variants = (await variantsOf(ctx.store, a.campaignId)).filter((v) => !a.channel || v.channel === a.channel);
      if (variants.length === 0)
        throw campaignErrors.create(
          'NH_CAMPAIGN_VARIANT_NOT_FOUND',
          `campaign ${a.campaignId} has no variants${a.channel ? ` on ${a.channel}` : ''} to allocate across: add_variant first`,
        );
      arms = variants.map((v) => ({
        channel: v.channel,
        variantId: v.variantId,
        variantName: v.name,
        rows: results.filter((r) => r.variantId === v.variantId),
      }));
    }
    const totals = arms.map((arm) => totalsOf(arm.rows));
    const seed = String(a.seed ?? a.campaignId);
    const drawn = thompsonShares(
      totals.map((t) => ({ successes: t.conversions, trials: t.impressions })),
      { draws: a.samples, seed },
    );
    const floor = Math.min(a.minShare, 1 / arms.length);
    const shares = drawn.map((d) => floor + (1 - floor * arms.length) * d.probabilityBest);
    const amount = a.amount ?? Math.max(0, Math.round((campaign.budget - totalsOf(results).spend) * 100) / 100);
    const amounts = splitAmount(amount, shares);
    return {
      campaignId: a.campaignId,
      by: a.by,
      amount,
      currency: campaign.currency,
      seed,
      samples: a.samples,
      arms: arms.map((arm, i) => ({
        channel: arm.channel,
        ...(arm.variantId ? { variantId: arm.variantId, variantName: arm.variantName } : {}),
        impressions: totals[i]!.impressions,
        conversions: totals[i]!.conversions,
        alpha: drawn[i]!.alpha,
        beta: drawn[i]!.beta,
        expectedConversionRate: drawn[i]!.mean,
        probabilityBest: drawn[i]!.probabilityBest,
        share: shares[i]!,
        amount: amounts[i]!,
      })),
    };
  },
});
