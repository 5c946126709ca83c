import { createRng, sampleBinomial } from '@neonhub/sdk';
import { createHarness, createMemoryResults } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { recordingLlm } from '../test-helpers.js';
import { draft } from './draft.js';
import { learnFromResults } from './learn-from-results.js';
import { promptStats } from './prompt-stats.js';

const today = new Date().toISOString().slice(0, 10);

describe('prompt variants learn from the engagement of what they wrote', () => {
  it('scores each variant by its drafts’ clicks per send, persists it, and then picks the better one more often', async () => {
    const { llm } = recordingLlm(() => 'Winter sale: everything warm is 30% off this week.');
    const results = createMemoryResults();
    const h = createHarness(plugin, { llm, results });
    const first: Array<{ draftId: string; prompt: { variantId: string } }> = [];
    for (let i = 0; i < 30; i++) first.push(await h.run(draft, { kind: 'email', topic: `winter sale ${i}` }));
    const count = (ds: typeof first, v: string) => ds.filter((d) => d.prompt.variantId === v).length;
    // before any engagement: the weighted pick, about half each
    expect(count(first, 'control')).toBeGreaterThan(5);
    expect(count(first, 'benefit-first')).toBeGreaterThan(5);

    // each draft went to 100 people (sends recorded with the draft id as variant); benefit-first drafts earned 4x the clicks
    for (const d of first) {
      const clicks = d.prompt.variantId === 'benefit-first' ? 12 : 3;
      results.add([
        { campaign: 'winter', variant: d.draftId, channel: 'email', kind: 'sent', day: today, count: 100 },
        { campaign: 'winter', variant: d.draftId, channel: 'email', kind: 'clicked', day: today, count: clicks },
      ]);
    }
    results.add([{ campaign: 'winter', variant: 'B', channel: 'email', kind: 'sent', day: today, count: 999 }]); // not a draft
    const learned = await h.run(learnFromResults, {});
    expect(learned.drafts).toBe(30);
    const by = Object.fromEntries(learned.variants.map((v) => [v.variantId, v]));
    expect(by['benefit-first']).toMatchObject({ drafts: count(first, 'benefit-first'), rate: 0.12 });
    expect(by.control).toMatchObject({ drafts: count(first, 'control'), rate: 0.03 });
    expect(by['benefit-first']!.probabilityBest).toBeGreaterThan(0.99);
    // scoring again replaces the numbers (one record per draft and outcome), it does not add them twice
    expect((await h.run(learnFromResults, {})).variants).toEqual(learned.variants);
    // persisted as prompt outcomes: prompt_stats sees them
    const stats = await h.run(promptStats, {});
    expect(stats.variants.find((v) => v.variantId === 'benefit-first')!.outcomes.clicked!.count).toBe(count(first, 'benefit-first'));

    const next: typeof first = [];
    for (let i = 0; i < 40; i++) next.push(await h.run(draft, { kind: 'email', topic: `spring sale ${i}` }));
    expect(count(next, 'benefit-first')).toBeGreaterThanOrEqual(36);
  });

  it('a seeded simulation: the variant whose content truly engages more is chosen in a clear majority after a week', async () => {
    // true click rates per message: control 3%, benefit-first 5%; each day 12 drafts, each sent to 100 people
    const rate: Record<string, number> = { control: 0.03, 'benefit-first': 0.05 };
    const rng = createRng('prompt-variants-week');
    const { llm } = recordingLlm(() => 'Winter sale: everything warm is 30% off this week.');
    const results = createMemoryResults();
    const h = createHarness(plugin, { llm, results });
    const share: number[] = [];
    for (let day = 0; day < 7; day++) {
      const drafts: Array<{ draftId: string; prompt: { variantId: string } }> = [];
      for (let i = 0; i < 12; i++) drafts.push(await h.run(draft, { kind: 'email', topic: `offer ${day}-${i}` }));
      share.push(drafts.filter((d) => d.prompt.variantId === 'benefit-first').length / drafts.length);
      for (const d of drafts) {
        const clicks = sampleBinomial(rng, 100, rate[d.prompt.variantId]!);
        results.add([
          { campaign: 'week', variant: d.draftId, channel: 'email', kind: 'sent', day: today, count: 100 },
          { campaign: 'week', variant: d.draftId, channel: 'email', kind: 'clicked', day: today, count: clicks },
        ]);
      }
      await h.run(learnFromResults, {});
    }
    // the last three days together: benefit-first wrote at least 3 in 4 drafts
    const late = (share[4]! + share[5]! + share[6]!) / 3;
    expect(late).toBeGreaterThanOrEqual(0.75);
    const learned = await h.run(learnFromResults, {});
    const best = learned.variants.find((v) => v.variantId === 'benefit-first')!;
    expect(best.probabilityBest).toBeGreaterThan(0.9);
    expect(best.sends).toBeGreaterThan(learned.variants.find((v) => v.variantId === 'control')!.sends);
  });

  it('without ctx.results, a coded error', async () => {
    await expect(createHarness(plugin).run(learnFromResults, {})).rejects.toMatchObject({ code: 'NH_CONTENT_RESULTS_UNAVAILABLE' });
  });
});
