import { createHarness } from '@neonhub/sdk/testing';
import plugin from './index.js';
import { createCampaign } from './tools/create-campaign.js';

export const springSale = {
  name: 'Spring sale',
  goal: '500 trail-shoe orders',
  audience: 'EU runners',
  channels: ['email', 'social', 'search'],
  budget: 10_000,
  currency: 'EUR',
  startDate: '2026-03-01',
  endDate: '2026-03-31',
};

/** A harness with one campaign created. */
export async function withCampaign(overrides: Record<string, unknown> = {}) {
  const h = createHarness(plugin);
  const campaign = await h.run(createCampaign, { ...springSale, ...overrides });
  return { h, campaign };
}
