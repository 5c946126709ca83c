import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { springSale } from '../test-helpers.js';
import { createCampaign } from './create-campaign.js';
import { listCampaigns } from './list-campaigns.js';

describe('list_campaigns', () => {
  it('lists newest start first and filters by status', async () => {
    const h = createHarness(plugin);
    await h.run(createCampaign, { ...springSale, name: 'past', startDate: '2020-01-01', endDate: '2020-02-01' });
    await h.run(createCampaign, { ...springSale, name: 'future', startDate: '2099-01-01', endDate: '2099-02-01' });
    await h.run(createCampaign, { ...springSale, name: 'now', startDate: '2020-06-01', endDate: '2099-06-01' });
    expect((await h.run(listCampaigns, {})).campaigns.map((c) => c.name)).toEqual(['future', 'now', 'past']);
    expect((await h.run(listCampaigns, { status: 'active' })).campaigns.map((c) => c.name)).toEqual(['now']);
    expect((await h.run(listCampaigns, { status: 'ended' })).campaigns.map((c) => c.name)).toEqual(['past']);
  });
});
