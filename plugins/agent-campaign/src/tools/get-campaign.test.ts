import { describe, expect, it } from 'vitest';
import { withCampaign } from '../test-helpers.js';
import { addVariant } from './add-variant.js';
import { getCampaign } from './get-campaign.js';
import { recordResult } from './record-result.js';

describe('get_campaign', () => {
  it('returns variants with totals, per-channel totals and the remaining budget', async () => {
    const { h, campaign } = await withCampaign();
    const id = campaign.campaignId;
    const a = await h.run(addVariant, { campaignId: id, channel: 'email', name: 'A' });
    await h.run(recordResult, { campaignId: id, variantId: a.variantId, impressions: 200, conversions: 10, spend: 50 });
    await h.run(recordResult, { campaignId: id, channel: 'search', impressions: 100, conversions: 1, spend: 250 });
    const r = await h.run(getCampaign, { campaignId: id });
    expect(r.variants).toHaveLength(1);
    expect(r.variants[0]?.totals).toMatchObject({ impressions: 200, conversions: 10, conversionRate: 0.05 });
    expect(r.byChannel.map((c) => [c.channel, c.totals.conversions])).toEqual([
      ['email', 10],
      ['social', 0],
      ['search', 1],
    ]);
    expect(r.totals).toMatchObject({ impressions: 300, conversions: 11, spend: 300 });
    expect(r.remainingBudget).toBe(9700);
  });
});
