import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { springSale, withCampaign } from '../test-helpers.js';
import { createCampaign } from './create-campaign.js';

describe('create_campaign', () => {
  it('stores the campaign and returns it with an id and a status from its dates', async () => {
    const { h, campaign } = await withCampaign({ startDate: '2099-01-01', endDate: '2099-02-01', channels: ['email', 'social', 'email'] });
    expect(campaign).toMatchObject({
      name: 'Spring sale',
      channels: ['email', 'social'],
      budget: 10_000,
      currency: 'EUR',
      status: 'scheduled',
    });
    expect(campaign.campaignId).toMatch(/^cmp_/);
    expect((await h.context.store.get('campaigns', campaign.campaignId))?.value).toMatchObject({ goal: '500 trail-shoe orders' });
  });

  it('refuses an end date that is not after the start, and unknown channels', async () => {
    const h = createHarness(plugin);
    for (const bad of [
      { endDate: '2026-03-01' },
      { endDate: '2026-02-01' },
      { startDate: '2026-13-01' },
      { channels: ['fax'] },
      { channels: [] },
      { budget: -1 },
    ])
      await expect(h.run(createCampaign, { ...springSale, ...bad })).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
  });
});
