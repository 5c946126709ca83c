import { describe, expect, it } from 'vitest';
import { withCampaign } from '../test-helpers.js';
import { addVariant } from './add-variant.js';
import { recordResult } from './record-result.js';

describe('record_result', () => {
  it('accumulates totals per channel and per variant', async () => {
    const { h, campaign } = await withCampaign();
    const id = campaign.campaignId;
    await h.run(recordResult, { campaignId: id, channel: 'email', impressions: 1000, conversions: 30, spend: 100 });
    const r = await h.run(recordResult, {
      campaignId: id,
      channel: 'email',
      impressions: 1000,
      conversions: 10,
      spend: 100.5,
      date: '2026-03-02',
    });
    expect(r).toEqual({
      channel: 'email',
      totals: { impressions: 2000, conversions: 40, spend: 200.5, conversionRate: 0.02, costPerConversion: 5.01 },
    });
    const v = await h.run(addVariant, { campaignId: id, channel: 'social', name: 'B' });
    const rv = await h.run(recordResult, { campaignId: id, variantId: v.variantId, impressions: 50, conversions: 0 });
    expect(rv).toEqual({
      channel: 'social',
      variantId: v.variantId,
      totals: { impressions: 50, conversions: 0, spend: 0, conversionRate: 0, costPerConversion: null },
    });
  });

  it('refuses more conversions than impressions, channels outside the campaign and unknown variants', async () => {
    const { h, campaign } = await withCampaign();
    const id = campaign.campaignId;
    await expect(h.run(recordResult, { campaignId: id, channel: 'email', impressions: 5, conversions: 6 })).rejects.toMatchObject({
      code: 'NH_SDK_INPUT_INVALID',
    });
    await expect(h.run(recordResult, { campaignId: id, channel: 'sms', impressions: 5, conversions: 1 })).rejects.toMatchObject({
      code: 'NH_CAMPAIGN_CHANNEL_UNKNOWN',
    });
    await expect(h.run(recordResult, { campaignId: id, variantId: 'var_x', impressions: 5, conversions: 1 })).rejects.toMatchObject({
      code: 'NH_CAMPAIGN_VARIANT_NOT_FOUND',
    });
  });
});
