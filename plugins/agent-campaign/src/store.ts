import type { PluginStore } from '@neonhub/sdk';
import { campaignErrors } from './errors.js';
import { CAMPAIGNS, type Campaign, RESULTS, type Result, VARIANTS, type Variant } from './model.js';

export async function loadCampaign(store: PluginStore, campaignId: string): Promise<Campaign> {
  const r = await store.get<Campaign>(CAMPAIGNS, campaignId);
  if (!r)
    throw campaignErrors.create('NH_CAMPAIGN_NOT_FOUND', `no campaign ${campaignId} in this workspace: list_campaigns shows the ids`, {
      details: { campaignId },
    });
  return r.value;
}

async function listAll<T>(store: PluginStore, collection: string, prefix: string): Promise<T[]> {
  const out: T[] = [];
  let after: number | undefined;
  // In insertion order, so variants keep the order they were added in.
  for (;;) {
    const page = await store.list<T>(collection, { prefix, order: 'seq', limit: 1000, ...(after !== undefined ? { after } : {}) });
    out.push(...page.map((r) => r.value));
    if (page.length < 1000) return out;
    after = page.at(-1)!.seq;
  }
}

export const variantsOf = (store: PluginStore, campaignId: string) => listAll<Variant>(store, VARIANTS, `${campaignId}/`);
export const resultsOf = (store: PluginStore, campaignId: string) => listAll<Result>(store, RESULTS, `${campaignId}/`);

export function assertChannel(c: Campaign, channel: string): void {
  if (!c.channels.includes(channel as Campaign['channels'][number]))
    throw campaignErrors.create(
      'NH_CAMPAIGN_CHANNEL_UNKNOWN',
      `campaign ${c.campaignId} runs on ${c.channels.join(', ')}, not ${channel}`,
      {
        details: { campaignId: c.campaignId, channel, channels: c.channels },
      },
    );
}
