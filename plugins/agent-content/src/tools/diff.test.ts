import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { recordingLlm } from '../test-helpers.js';
import { diff } from './diff.js';
import { draft } from './draft.js';
import { revise } from './revise.js';

describe('diff', () => {
  it('diffs latest against previous by default, or any two versions, counting lines', async () => {
    const h = createHarness(plugin, { llm: recordingLlm(() => 'a\nb\nc').llm });
    const d = await h.run(draft, { kind: 'social', topic: 'spring sale' });
    await h.run(revise, { draftId: d.draftId, text: 'a\nB\nc' });
    await h.run(revise, { draftId: d.draftId, text: 'a\nB\nc\nd' });
    const last = await h.run(diff, { draftId: d.draftId });
    expect(last).toMatchObject({ from: 2, to: 3, added: 1, removed: 0 });
    expect(last.unified).toContain('+d\n');
    const whole = await h.run(diff, { draftId: d.draftId, from: 1, to: 3 });
    expect(whole).toMatchObject({ added: 2, removed: 1 });
    expect(whole.unified).toContain('-b\n+B\n');
    const same = await h.run(diff, { draftId: d.draftId, from: 1, to: 1 });
    expect(same).toMatchObject({ added: 0, removed: 0 });
    await expect(h.run(diff, { draftId: d.draftId, to: 9 })).rejects.toMatchObject({ code: 'NH_CONTENT_VERSION_NOT_FOUND' });
  });
});
