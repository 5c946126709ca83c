import { createHarness, createMemoryResults, createMemoryScheduler } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { springSale } from '../test-helpers.js';
import { addVariant } from './add-variant.js';
import { allocationHistory } from './allocation-history.js';
import { createCampaign } from './create-campaign.js';
import { reallocate } from './reallocate.js';

const row = (variant: string, kind: string, day: string, count: number, campaign = 'spring') => ({
  campaign,
  variant,
  channel: 'email',
  kind,
  day,
  count,
});

async function setup(overrides: Record<string, unknown> = {}) {
  const results = createMemoryResults([
    row('A', 'sent', '2026-03-02', 2000),
    row('A', 'clicked', '2026-03-02', 40),
    row('B', 'sent', '2026-03-02', 2000),
    row('B', 'clicked', '2026-03-02', 90),
    row('B', 'clicked', '2026-02-20', 500), // before the campaign started: not counted
    row('A', 'clicked', '2026-03-02', 999, 'another'),
  ]);
  const scheduler = createMemoryScheduler();
  const h = createHarness(plugin, { results, scheduler });
  const campaign = await h.run(createCampaign, { ...springSale, ...overrides });
  const a = await h.run(addVariant, { campaignId: campaign.campaignId, channel: 'email', name: 'A' });
  const b = await h.run(addVariant, { campaignId: campaign.campaignId, channel: 'email', name: 'B' });
  return { h, results, scheduler, campaign, a, b };
}

describe('reallocate', () => {
  it('reads the stored results of the campaign, moves the budget, stops the loser and keeps the decision', async () => {
    const { h, campaign, a, b } = await setup();
    const r = await h.run(reallocate, { campaignId: campaign.campaignId, resultsCampaign: 'spring', seed: 's' });
    expect(r.arms.map((x) => [x.label, x.successes, x.trials])).toEqual([
      ['A', 40, 2000],
      ['B', 90, 2000],
    ]);
    expect(r.arms[0]).toMatchObject({ variantId: a.variantId, status: 'stopped', share: 0, amount: 0 });
    expect(r.arms[1]).toMatchObject({ variantId: b.variantId, status: 'running', share: 1, amount: 10_000 });
    expect(r.winner).toBe(b.variantId);
    expect(r.reason).toMatch(/^B gets 100%: its click rate is 4\.50% \(90 clicks of 2,000 sends\) against A's 2\.00%/);
    const history = await h.run(allocationHistory, { campaignId: campaign.campaignId });
    expect(history.decisions).toHaveLength(1);
    expect(history.decisions[0]!.reason).toBe(r.reason);
  });

  it('another day, the previous share is reported and a stopped variant stays stopped', async () => {
    const { h, results, campaign } = await setup();
    await h.run(reallocate, { campaignId: campaign.campaignId, resultsCampaign: 'spring', seed: 's' });
    results.add([row('A', 'sent', '2026-03-03', 100), row('A', 'clicked', '2026-03-03', 60)]);
    const r = await h.run(reallocate, { campaignId: campaign.campaignId, resultsCampaign: 'spring', seed: 't' });
    expect(r.arms[0]).toMatchObject({ status: 'stopped', previousShare: 0 });
    expect(r.arms[1]!.previousShare).toBe(1);
    expect(r.newlyStopped).toEqual([]);
    expect((await h.run(allocationHistory, { campaignId: campaign.campaignId })).decisions.map((d) => d.decidedAt)).toEqual([
      r.decidedAt,
      expect.any(String),
    ]);
  });

  it('with everyHours it schedules its next run on the host scheduler, replacing the pending one', async () => {
    // a campaign still running a year from now, whatever today is (a fixed '2027-02-28' stopped the re-runs from March 2027)
    const { h, scheduler, campaign } = await setup({ endDate: new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10) });
    const input = { campaignId: campaign.campaignId, resultsCampaign: 'nothing-yet', everyHours: 24 };
    const first = await h.run(reallocate, input);
    expect(first.nextRunAt).toBeDefined();
    const [entry] = [...scheduler.entries.values()];
    expect(entry).toMatchObject({ tool: 'agent-campaign:reallocate', status: 'scheduled', channel: 'budget' });
    expect(entry!.input).toMatchObject({ campaignId: campaign.campaignId, everyHours: 24 });
    const second = await h.run(reallocate, { ...input, everyHours: 48 });
    const pending = [...scheduler.entries.values()].filter((e) => e.status === 'scheduled');
    expect(pending).toHaveLength(1);
    expect(pending[0]!.runAt).toBe(second.nextRunAt);
  });

  it('without ctx.results, a coded error; a campaign without variants or results names none', async () => {
    const bare = createHarness(plugin);
    const c = await bare.run(createCampaign, springSale);
    await expect(bare.run(reallocate, { campaignId: c.campaignId })).rejects.toMatchObject({ code: 'NH_CAMPAIGN_RESULTS_UNAVAILABLE' });
    const h = createHarness(plugin, { results: createMemoryResults([row('X', 'sent', '2026-03-02', 10, 'cmp')]) });
    const d = await h.run(createCampaign, springSale);
    await expect(h.run(reallocate, { campaignId: d.campaignId })).rejects.toMatchObject({ code: 'NH_CAMPAIGN_VARIANT_NOT_FOUND' });
    // no registered variants: the variants the results name are the arms
    const r = await h.run(reallocate, { campaignId: d.campaignId, resultsCampaign: 'cmp' });
    expect(r.arms.map((x) => x.key)).toEqual(['X']);
  });
});
