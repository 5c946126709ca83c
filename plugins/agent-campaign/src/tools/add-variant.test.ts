import { describe, expect, it } from 'vitest';
import { withCampaign } from '../test-helpers.js';
import { addVariant } from './add-variant.js';

describe('add_variant', () => {
  it('adds variants per channel and refuses duplicates and foreign channels', async () => {
    const { h, campaign } = await withCampaign();
    const a = await h.run(addVariant, { campaignId: campaign.campaignId, channel: 'email', name: 'A', content: 'Subject: 30% off' });
    expect(a).toMatchObject({ campaignId: campaign.campaignId, channel: 'email', name: 'A', content: 'Subject: 30% off' });
    expect(a.variantId).toMatch(/^var_/);
    await h.run(addVariant, { campaignId: campaign.campaignId, channel: 'social', name: 'A' });
    await expect(h.run(addVariant, { campaignId: campaign.campaignId, channel: 'email', name: 'a' })).rejects.toMatchObject({
      code: 'NH_CAMPAIGN_VARIANT_EXISTS',
    });
    await expect(h.run(addVariant, { campaignId: campaign.campaignId, channel: 'sms', name: 'B' })).rejects.toMatchObject({
      code: 'NH_CAMPAIGN_CHANNEL_UNKNOWN',
    });
    await expect(h.run(addVariant, { campaignId: 'cmp_nope', channel: 'email', name: 'B' })).rejects.toMatchObject({
      code: 'NH_CAMPAIGN_NOT_FOUND',
      status: 404,
    });
  });
});
