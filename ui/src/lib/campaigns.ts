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
/** One decision of agent-campaign's `reallocate`, as `allocation_history` lists them (newest first). */
export interface AllocationDecision {
  campaignId: string;
  decidedAt: string;
  by: 'variant' | 'channel';
  metric: 'clicked' | 'opened' | 'converted';
  amount: number;
  currency: string;
  arms: {
    key: string;
    label: string;
    channel?: string;
    variantId?: string;
    successes: number;
    trials: number;
    /** Posterior mean of the rate. */
    rate: number;
    probabilityBest: number;
    share: number;
    previousShare: number | null;
    amount: number;
    status: 'running' | 'stopped';
    stoppedReason?: string;
  }[];
  winner?: string;
  newlyStopped: string[];
  /** The change in words. */
  reason: string;
  nextRunAt?: string;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/**
 * The name a campaign's sends were recorded under in the results (tracked links, provider events): the campaign id
 * (what `reallocate` reads by default), else its name as typed or as a slug ("Spring sale" → spring-sale); null when
 * none of the names with results fits (the page then lets the marketer pick one).
 */
export function resultsNameOf(campaign: Pick<Campaign, 'campaignId' | 'name'>, names: readonly string[]): string | null {
  const has = new Set(names);
  if (has.has(campaign.campaignId)) return campaign.campaignId;
  if (has.has(campaign.name)) return campaign.name;
  const wanted = slug(campaign.name);
  return names.find((n) => slug(n) === wanted) ?? null;
}

export const money = (n: number, currency: string) => {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency, maximumFractionDigits: 2 }).format(n);
  } catch {
    return `${n.toFixed(2)} ${currency}`;
  }
};
