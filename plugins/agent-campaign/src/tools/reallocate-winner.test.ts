import { WINNING_CONTENT_COLLECTION } from '@neonhub/sdk';
import { createHarness, createMemoryAccess, createMemoryResults } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { springSale } from '../test-helpers.js';
import { addVariant } from './add-variant.js';
import { createCampaign } from './create-campaign.js';
import { reallocate } from './reallocate.js';

const row = (variant: string, kind: string, count: number) => ({
  campaign: 'spring',
  variant,
  channel: 'email',
  kind,
  day: '2026-03-02',
  count,
});

/** The memory contract over a provider that keeps what it is given (as the memory server's memory_ingest answers). */
function recordingMemory() {
  const ingested: Record<string, unknown>[] = [];
  const memory = createMemoryAccess('memory', async (tool, input) => {
    if (tool !== 'memory_ingest') throw new Error(`unexpected ${tool}`);
    const dup = ingested.findIndex((d) => d.key === input.key && d.content === input.content);
    if (dup < 0) ingested.push(input);
    return { documentId: `doc-${dup < 0 ? ingested.length : dup + 1}`, chunks: 1, deduplicated: dup >= 0 };
  });
  return { memory, ingested };
}

async function setup(withMemory: boolean) {
  const rec = recordingMemory();
  // B clicks 4.5% against A's 2%: with minTrials 500 the test stops A, B is left and wins
  const results = createMemoryResults([row('A', 'sent', 2000), row('A', 'clicked', 40), row('B', 'sent', 2000), row('B', 'clicked', 90)]);
  const h = createHarness(plugin, { results, ...(withMemory ? { memory: rec.memory } : {}) });
  const campaign = await h.run(createCampaign, springSale);
  await h.run(addVariant, { campaignId: campaign.campaignId, channel: 'email', name: 'A', content: 'Spring sale: 20% off trail shoes.' });
  const b = await h.run(addVariant, {
    campaignId: campaign.campaignId,
    channel: 'email',
    name: 'B',
    content: 'Your next trail is waiting: the Trailblazer 3 is 20% off until Sunday.',
  });
  return { h, campaign, b, ...rec };
}

describe('reallocate remembers the winner (issue 15: past winners into memory)', () => {
  it("when the test is decided, the winning variant's content goes into memory tagged winner, with its figures, once", async () => {
    const { h, campaign, b, ingested } = await setup(true);
    const input = { campaignId: campaign.campaignId, resultsCampaign: 'spring', seed: 's', minTrials: 500, stopBelow: 0.05 };
    const r = await h.run(reallocate, input);
    expect(r.winner).toBe(b.variantId);
    expect(r.rememberedWinner).toEqual({ documentId: 'doc-1', collection: WINNING_CONTENT_COLLECTION, deduplicated: false });
    expect(ingested).toHaveLength(1);
    const doc = ingested[0]!;
    expect(doc).toMatchObject({
      content: 'Your next trail is waiting: the Trailblazer 3 is 20% off until Sunday.',
      collection: WINNING_CONTENT_COLLECTION,
      collectionKind: 'agent_memory',
      source: `agent-campaign:${campaign.campaignId}/${b.variantId}`,
    });
    const winnerArm = r.arms.find((x) => x.key === b.variantId)!;
    expect(doc.metadata).toMatchObject({
      tags: ['winner', 'winning-content'],
      campaignId: campaign.campaignId,
      variantId: b.variantId,
      variant: 'B',
      channel: 'email',
      metric: 'clicked',
      successes: 90,
      trials: 2000,
      rate: winnerArm.rate,
      probabilityBest: winnerArm.probabilityBest,
    });
    expect(String((doc.metadata as { summary: string }).summary)).toMatch(/^B won on clicked rate 4\.5% over 2000 sends/);
    // deciding again keeps one document of that winner (keyed by campaign and variant)
    const again = await h.run(reallocate, input);
    expect(again.rememberedWinner?.deduplicated).toBe(true);
    expect(ingested).toHaveLength(1);
    expect(new Set(ingested.map((d) => d.key))).toEqual(new Set([doc.key]));
  });

  it('an undecided test remembers nothing; without memory the decision stands without it', async () => {
    const open = await setup(true);
    const r = await open.h.run(reallocate, { campaignId: open.campaign.campaignId, resultsCampaign: 'spring', seed: 's', minTrials: 5000 });
    expect(r.winner).toBeUndefined();
    expect(r.rememberedWinner).toBeUndefined();
    expect(open.ingested).toEqual([]);
    const bare = await setup(false);
    const d = await bare.h.run(reallocate, { campaignId: bare.campaign.campaignId, resultsCampaign: 'spring', seed: 's', minTrials: 500 });
    expect(d.winner).toBe(bare.b.variantId);
    expect(d.rememberedWinner).toBeUndefined();
  });
});
