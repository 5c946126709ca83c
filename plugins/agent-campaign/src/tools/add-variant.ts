import { randomUUID } from 'node:crypto';
import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { campaignErrors } from '../errors.js';
import { ChannelSchema, VARIANTS, type Variant, VariantSchema } from '../model.js';
import { assertChannel, loadCampaign, variantsOf } from '../store.js';

const input = z.object({
  campaignId: z.string().min(1).describe('The campaign to add the variant to.'),
  channel: ChannelSchema.describe('The channel the variant runs on (one of the campaign’s channels).'),
  name: z.string().trim().min(1).max(100).describe('Variant name, unique per channel, e.g. "A" or "subject-question".'),
  content: z.string().max(100_000).default('').describe('What differs in this variant: a subject line, a post, a creative brief.'),
});

export const addVariant = defineTool({
  name: 'add_variant',
  description:
    'Adds an A/B test variant (a named version of a subject line, post or creative) to one channel of a campaign; results can then be recorded per variant.',
  sideEffect: 'write',
  input,
  output: VariantSchema,
  async run(a, ctx) {
    const campaign = await loadCampaign(ctx.store, a.campaignId);
    assertChannel(campaign, a.channel);
    const existing = await variantsOf(ctx.store, a.campaignId);
    if (existing.some((v) => v.channel === a.channel && v.name.toLowerCase() === a.name.toLowerCase()))
      throw campaignErrors.create(
        'NH_CAMPAIGN_VARIANT_EXISTS',
        `campaign ${a.campaignId} already has a variant "${a.name}" on ${a.channel}`,
      );
    const variant: Variant = {
      variantId: `var_${randomUUID()}`,
      campaignId: a.campaignId,
      channel: a.channel,
      name: a.name,
      content: a.content,
      createdAt: new Date().toISOString(),
    };
    await ctx.store.put(VARIANTS, `${a.campaignId}/${variant.variantId}`, variant);
    return variant;
  },
});
