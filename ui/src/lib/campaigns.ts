/** agent-campaign's shapes (plugins/agent-campaign/src/model.ts), as its tools answer them. */
export const CHANNELS = ['email', 'social', 'search', 'display', 'content', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Campaign {
  campaignId: string;
  name: string;
  goal: string;
  audience: string;
  channels: Channel[];
  budget: number;
  currency: string;
  startDate: string;
  endDate: string;
  createdAt: string;
  status: 'scheduled' | 'active' | 'ended';
}
export interface Totals {
  impressions: number;
  conversions: number;
  spend: number;
  conversionRate: number;
  costPerConversion: number | null;
}
export interface CampaignDetail {
  campaign: Campaign;
  variants: { variantId: string; channel: Channel; name: string; content: string; totals: Totals }[];
  byChannel: { channel: Channel; totals: Totals }[];
  totals: Totals;
  remainingBudget: number;
}
export interface Allocation {
  campaignId: string;
  by: 'channel' | 'variant';
  amount: number;
  currency: string;
  seed: string;
  samples: number;
  arms: {
    channel: Channel;
    variantId?: string;
    variantName?: string;
    impressions: number;
    conversions: number;
    expectedConversionRate: number;
    probabilityBest: number;
    share: number;
    amount: number;
  }[];
}

export const money = (n: number, currency: string) => {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency, maximumFractionDigits: 2 }).format(n);
  } catch {
    return `${n.toFixed(2)} ${currency}`;
  }
};
