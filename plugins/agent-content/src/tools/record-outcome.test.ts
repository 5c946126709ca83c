import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { DRAFTS } from '../model.js';
import { DRAFT_PROMPT } from '../prompts.js';
import { recordingLlm } from '../test-helpers.js';
import { draft } from './draft.js';
import { promptStats } from './prompt-stats.js';
import { recordOutcome } from './record-outcome.js';
import { revise } from './revise.js';

describe('A/B outcomes of the draft prompt', () => {
  it('splits drafts between the variants, records what became of each under its variant, and compares them', async () => {
    const { llm, seen } = recordingLlm(() => 'Spring sale: thirty percent off every trail shoe this March.');
    const h = createHarness(plugin, { llm });
    const drafts: Awaited<ReturnType<typeof h.run<typeof draft>>>[] = [];
    for (let i = 0; i < 40; i++) drafts.push(await h.run(draft, { kind: 'social', topic: `spring sale, post ${i}` }));
    const by = (v: string) => drafts.filter((d) => d.prompt.variantId === v);
    // Deterministic per draft id, about half each (40 drafts all on one side: p ≈ 2e-12).
    expect(by('control').length).toBeGreaterThan(0);
    expect(by('benefit-first').length).toBeGreaterThan(0);
    expect(drafts.every((d) => d.prompt.id === DRAFT_PROMPT.id && d.prompt.version === '1.0.0')).toBe(true);
    // What the model was asked follows the variant.
    drafts.forEach((d, i) => {
      expect(seen[i]!.prompt.includes('Open with the one benefit')).toBe(d.prompt.variantId === 'benefit-first');
    });

    const [c0, c1] = by('control');
    const [b0] = by('benefit-first');
    await h.run(revise, { draftId: c0!.draftId, text: 'A person rewrote it.' });
    await h.run(recordOutcome, { draftId: c0!.draftId, outcome: 'published', value: 0.02 });
    await h.run(recordOutcome, { draftId: c1!.draftId, outcome: 'rejected' });
    await h.run(recordOutcome, { draftId: b0!.draftId, outcome: 'published', value: 0.01 });
    // The same outcome of the same draft again replaces it (a retried call counts once).
    const again = await h.run(recordOutcome, { draftId: b0!.draftId, outcome: 'published', value: 0.05 });
    expect(again).toMatchObject({ draftId: b0!.draftId, outcome: 'published', value: 0.05, prompt: b0!.prompt });

    const stats = await h.run(promptStats, {});
    expect(stats.promptId).toBe(DRAFT_PROMPT.id);
    expect(stats.versions).toEqual(['1.0.0']);
    const control = stats.variants.find((v) => v.variantId === 'control')!;
    const benefit = stats.variants.find((v) => v.variantId === 'benefit-first')!;
    expect(control.drafts).toBe(by('control').length);
    expect(benefit.drafts).toBe(by('benefit-first').length);
    expect(control.outcomes).toEqual({
      edited: { count: 1, rate: 1 / control.drafts },
      published: { count: 1, rate: 1 / control.drafts },
      rejected: { count: 1, rate: 1 / control.drafts },
    });
    expect(benefit.outcomes).toEqual({ published: { count: 1, rate: 1 / benefit.drafts } });
    expect(control.valueSum).toBeCloseTo(0.02);
    expect(benefit.valueSum).toBeCloseTo(0.05);
    expect((await h.run(promptStats, { version: '9.9.9' })).variants).toEqual([]);
  });

  it('refuses an unknown draft, a reserved or malformed outcome, and a draft from before variants were tracked', async () => {
    const h = createHarness(plugin);
    await expect(h.run(recordOutcome, { draftId: 'drf_missing', outcome: 'accepted' })).rejects.toMatchObject({
      code: 'NH_CONTENT_DRAFT_NOT_FOUND',
    });
    const d = await h.run(draft, { kind: 'email', topic: 'the spring sale' });
    await expect(h.run(recordOutcome, { draftId: d.draftId, outcome: 'drafted' })).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
    await expect(h.run(recordOutcome, { draftId: d.draftId, outcome: 'Great Success!' })).rejects.toMatchObject({
      code: 'NH_SDK_INPUT_INVALID',
    });
    const legacy = await h.context.store.get<Record<string, unknown>>(DRAFTS, d.draftId);
    const { prompt: _dropped, ...withoutPrompt } = legacy!.value;
    await h.context.store.put(DRAFTS, 'drf_legacy', { ...withoutPrompt, draftId: 'drf_legacy' });
    await expect(h.run(recordOutcome, { draftId: 'drf_legacy', outcome: 'accepted' })).rejects.toMatchObject({
      code: 'NH_CONTENT_NOT_TRACKED',
    });
  });
});
