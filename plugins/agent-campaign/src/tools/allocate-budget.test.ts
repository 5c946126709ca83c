import { splitAmount } from '@neonhub/sdk';
import { describe, expect, it } from 'vitest';
import { withCampaign } from '../test-helpers.js';
import { addVariant } from './add-variant.js';
import { allocateBudget } from './allocate-budget.js';
import { recordResult } from './record-result.js';

async function withResults() {
  const { h, campaign } = await withCampaign();
  const id = campaign.campaignId;
  await h.run(recordResult, { campaignId: id, channel: 'email', impressions: 2000, conversions: 200, spend: 500 }); // 10 %
  await h.run(recordResult, { campaignId: id, channel: 'social', impressions: 2000, conversions: 40, spend: 500 }); // 2 %
  await h.run(recordResult, { campaignId: id, channel: 'search', impressions: 2000, conversions: 60, spend: 1000 }); // 3 %
  return { h, id };
}

describe('allocate_budget', () => {
  it('gives the channel with a clearly better conversion rate most of the remaining budget', async () => {
    const { h, id } = await withResults();
    const r = await h.run(allocateBudget, { campaignId: id, seed: 42 });
    const [email, social, search] = r.arms;
    expect(r.amount).toBe(8000);
    expect(r.currency).toBe('EUR');
    expect(email).toMatchObject({ channel: 'email', impressions: 2000, conversions: 200, alpha: 201, beta: 1801 });
    expect(email!.expectedConversionRate).toBeCloseTo(201 / 2002, 10);
    expect(social!.expectedConversionRate).toBeCloseTo(41 / 2002, 10);
    expect(email!.share).toBeGreaterThan(0.99);
    expect(email!.amount).toBeGreaterThan(7900);
    expect(social!.share + search!.share).toBeLessThan(0.01);
    expect(r.arms.reduce((s, a) => s + a.amount, 0)).toBeCloseTo(8000, 6);
  });

  it('is reproducible: same seed, same shares; the default seed is the campaign id', async () => {
    const { h, campaign } = await withCampaign();
    const id = campaign.campaignId;
    // Close arms, so the draws matter.
    await h.run(recordResult, { campaignId: id, channel: 'email', impressions: 100, conversions: 5 });
    await h.run(recordResult, { campaignId: id, channel: 'social', impressions: 100, conversions: 6 });
    await h.run(recordResult, { campaignId: id, channel: 'search', impressions: 100, conversions: 4 });
    const a = await h.run(allocateBudget, { campaignId: id, seed: 'spring', samples: 2000 });
    const b = await h.run(allocateBudget, { campaignId: id, seed: 'spring', samples: 2000 });
    expect(b).toEqual(a);
    const c = await h.run(allocateBudget, { campaignId: id, seed: 'autumn', samples: 2000 });
    expect(c.arms.map((x) => x.share)).not.toEqual(a.arms.map((x) => x.share));
    const d = await h.run(allocateBudget, { campaignId: id, samples: 2000 });
    const e = await h.run(allocateBudget, { campaignId: id, samples: 2000, seed: id });
    expect(d.seed).toBe(id);
    expect(d.arms).toEqual(e.arms);
    // The middle arm (6 %) is most likely best, but all three keep a real share.
    expect(a.arms[1]!.share).toBeGreaterThan(a.arms[0]!.share);
    for (const arm of a.arms) expect(arm.share).toBeGreaterThan(0.05);
  });

  it('without results splits evenly (uniform priors), and minShare keeps a floor', async () => {
    const { h, campaign } = await withCampaign();
    const even = await h.run(allocateBudget, { campaignId: campaign.campaignId, amount: 900, samples: 30_000 });
    for (const arm of even.arms) expect(arm.share).toBeCloseTo(1 / 3, 1);
    const { h: h2, id } = await withResults();
    const floored = await h2.run(allocateBudget, { campaignId: id, minShare: 0.1, amount: 1000 });
    expect(floored.arms[1]!.share).toBeGreaterThanOrEqual(0.1);
    expect(floored.arms[1]!.amount).toBeGreaterThanOrEqual(100);
  });

  it('allocates across A/B variants of a channel', async () => {
    const { h, campaign } = await withCampaign();
    const id = campaign.campaignId;
    const a = await h.run(addVariant, { campaignId: id, channel: 'email', name: 'A' });
    const b = await h.run(addVariant, { campaignId: id, channel: 'email', name: 'B' });
    await h.run(recordResult, { campaignId: id, variantId: a.variantId, impressions: 5000, conversions: 100 });
    await h.run(recordResult, { campaignId: id, variantId: b.variantId, impressions: 5000, conversions: 250 });
    const r = await h.run(allocateBudget, { campaignId: id, by: 'variant', channel: 'email', amount: 100 });
    expect(r.arms.map((x) => x.variantName)).toEqual(['A', 'B']);
    expect(r.arms[1]!.share).toBeGreaterThan(0.99);
    await expect(h.run(allocateBudget, { campaignId: id, by: 'variant', channel: 'social' })).rejects.toMatchObject({
      code: 'NH_CAMPAIGN_VARIANT_NOT_FOUND',
    });
  });

  it('splitAmount keeps cents that add up exactly', () => {
    expect(splitAmount(100, [1, 1, 1])).toEqual([33.34, 33.33, 33.33]);
    expect(splitAmount(10, [0, 0])).toEqual([5, 5]);
  });
});
