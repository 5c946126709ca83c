import { z } from 'zod';

export const ChannelSchema = z.enum(['email', 'social', 'search', 'display', 'content', 'sms']);
export type Channel = z.infer<typeof ChannelSchema>;

export const CampaignSchema = z.object({
  campaignId: z.string(),
  name: z.string(),
  goal: z.string(),
  audience: z.string(),
  channels: z.array(ChannelSchema),
  budget: z.number(),
  currency: z.string(),
  startDate: z.string(),
  endDate: z.string(),
  createdAt: z.string(),
});
export type Campaign = z.infer<typeof CampaignSchema>;

export const VariantSchema = z.object({
  variantId: z.string(),
  campaignId: z.string(),
  channel: ChannelSchema,
  name: z.string(),
  content: z.string(),
  createdAt: z.string(),
});
export type Variant = z.infer<typeof VariantSchema>;

export const ResultSchema = z.object({
  campaignId: z.string(),
  channel: ChannelSchema,
  variantId: z.string().optional(),
  impressions: z.number(),
  conversions: z.number(),
  spend: z.number(),
  date: z.string(),
  recordedAt: z.string(),
});
export type Result = z.infer<typeof ResultSchema>;

export const TotalsSchema = z.object({
  impressions: z.number(),
  conversions: z.number(),
  spend: z.number(),
  /** conversions / impressions (0 without impressions). */
  conversionRate: z.number(),
  /** spend / conversions (null without conversions). */
  costPerConversion: z.number().nullable(),
});
export type Totals = z.infer<typeof TotalsSchema>;

export const CAMPAIGNS = 'campaigns';
/** Keyed `<campaignId>/<variantId>`. */
export const VARIANTS = 'variants';
/** Keyed `<campaignId>/<recordedAt>-<uuid>`. */
export const RESULTS = 'results';

/** `scheduled` before the start date, `active` through the end date, `ended` after it (UTC dates). */
export function statusOf(c: Campaign, today = new Date().toISOString().slice(0, 10)): 'scheduled' | 'active' | 'ended' {
  return today < c.startDate ? 'scheduled' : today > c.endDate ? 'ended' : 'active';
}

export function totalsOf(rows: Array<Pick<Result, 'impressions' | 'conversions' | 'spend'>>): Totals {
  const t = rows.reduce(
    (s, r) => ({ impressions: s.impressions + r.impressions, conversions: s.conversions + r.conversions, spend: s.spend + r.spend }),
    {
      impressions: 0,
      conversions: 0,
      spend: 0,
    },
  );
  return {
    ...t,
    spend: Math.round(t.spend * 100) / 100,
    conversionRate: t.impressions > 0 ? t.conversions / t.impressions : 0,
    costPerConversion: t.conversions > 0 ? Math.round((t.spend / t.conversions) * 100) / 100 : null,
  };
}
