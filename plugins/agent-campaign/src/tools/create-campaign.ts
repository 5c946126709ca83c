import { randomUUID } from 'node:crypto';
import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { CAMPAIGNS, type Campaign, CampaignSchema, ChannelSchema, statusOf } from '../model.js';

const input = z
  .object({
    name: z.string().trim().min(1).max(200).describe('Short name of the campaign, e.g. "Spring sale 2026".'),
    goal: z.string().trim().min(1).max(2000).describe('What the campaign should achieve, e.g. "500 trail-shoe orders".'),
    audience: z.string().trim().min(1).max(2000).describe('Who it targets, e.g. "runners in the EU who bought in the last year".'),
    channels: z.array(ChannelSchema).min(1).max(6).describe('Channels it runs on: email, social, search, display, content, sms.'),
    budget: z.number().nonnegative().max(1e12).describe('Total budget, in `currency` units.'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .default('USD')
      .describe('ISO 4217 currency code of the budget (default USD).'),
    startDate: z.iso.date().describe('First day, YYYY-MM-DD.'),
    endDate: z.iso.date().describe('Last day, YYYY-MM-DD; must be after startDate.'),
  })
  .refine((v) => v.endDate > v.startDate, { message: 'endDate must be after startDate', path: ['endDate'] });

export const CampaignViewSchema = CampaignSchema.extend({ status: z.enum(['scheduled', 'active', 'ended']) });

export const createCampaign = defineTool({
  name: 'create_campaign',
  description:
    'Creates a marketing campaign with a goal, an audience, its channels, a budget and start and end dates (the end after the start), stored in the workspace; returns it with its id.',
  sideEffect: 'write',
  input,
  output: CampaignViewSchema,
  async run(a, ctx) {
    const campaign: Campaign = {
      campaignId: `cmp_${randomUUID()}`,
      name: a.name,
      goal: a.goal,
      audience: a.audience,
      channels: [...new Set(a.channels)],
      budget: a.budget,
      currency: a.currency,
      startDate: a.startDate,
      endDate: a.endDate,
      createdAt: new Date().toISOString(),
    };
    await ctx.store.put(CAMPAIGNS, campaign.campaignId, campaign);
    return { ...campaign, status: statusOf(campaign) };
  },
});
