import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { recordingLlm } from '../test-helpers.js';
import { draft } from './draft.js';
import { getDraft } from './get-draft.js';
import { revise } from './revise.js';

describe('revise', () => {
  it('an edit becomes version n+1 with a unified diff against version n', async () => {
    const { llm } = recordingLlm(() => 'Line one.\nLine two.\nLine three.');
    const h = createHarness(plugin, { llm });
    const d = await h.run(draft, { kind: 'social', topic: 'spring sale' });
    const r = await h.run(revise, { draftId: d.draftId, text: 'Line one.\nLine 2, better.\nLine three.', note: 'copy edit' });
    expect(r.version).toBe(2);
    expect(r.offline).toBe(false);
    expect(r.diff).toContain(`--- ${d.draftId}@v1`);
    expect(r.diff).toContain(`+++ ${d.draftId}@v2`);
    expect(r.diff).toContain('@@ -1,3 +1,3 @@\n Line one.\n-Line two.\n+Line 2, better.\n Line three.\n');
    const got = await h.run(getDraft, { draftId: d.draftId });
    expect(got.draft.latestVersion).toBe(2);
    expect(got.versions.map((v) => [v.version, v.source, v.note])).toEqual([
      [1, 'model', undefined],
      [2, 'edit', 'copy edit'],
    ]);
  });

  it('instructions go to the model with the latest text; the offline label is kept', async () => {
    const h = createHarness(plugin);
    const d = await h.run(draft, { kind: 'email', topic: 'the spring sale' });
    const r = await h.run(revise, { draftId: d.draftId, instructions: 'make it shorter and end with a question' });
    expect(r.version).toBe(2);
    expect(r.offline).toBe(true);
    expect(r.text.startsWith('[offline model]')).toBe(true);
    const { llm, seen } = recordingLlm(() => 'Shorter text?');
    const h2 = createHarness(plugin, { llm, store: h.context.store });
    await h2.run(revise, { draftId: d.draftId, instructions: 'make it shorter' });
    expect(seen[0]?.prompt).toContain('Write a marketing e-mail about the spring sale, revising the draft below.');
    expect(seen[0]?.prompt).toContain('Change: make it shorter');
    expect(seen[0]?.prompt.endsWith(r.text)).toBe(true);
  });

  it('numbers concurrent revisions without gaps or repeats', async () => {
    const h = createHarness(plugin);
    const d = await h.run(draft, { kind: 'social', topic: 'spring sale' });
    const rs = await Promise.all(Array.from({ length: 4 }, (_, i) => h.run(revise, { draftId: d.draftId, text: `v${i}` })));
    expect(rs.map((r) => r.version).sort()).toEqual([2, 3, 4, 5]);
  });

  it('refuses an unknown draft and both or neither of text and instructions', async () => {
    const h = createHarness(plugin);
    await expect(h.run(revise, { draftId: 'drf_x', text: 'y' })).rejects.toMatchObject({ code: 'NH_CONTENT_DRAFT_NOT_FOUND' });
    await expect(h.run(revise, { draftId: 'drf_x' })).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
    await expect(h.run(revise, { draftId: 'drf_x', text: 'a', instructions: 'b c d' })).rejects.toMatchObject({
      code: 'NH_SDK_INPUT_INVALID',
    });
  });
});
