import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { draft } from './draft.js';
import { getDraft } from './get-draft.js';
import { revise } from './revise.js';

describe('get_draft', () => {
  it('returns the brief, the chosen version and the version list', async () => {
    const h = createHarness(plugin);
    const d = await h.run(draft, { kind: 'blog', topic: 'trail shoes', keywords: ['grip'] });
    await h.run(revise, { draftId: d.draftId, text: 'Edited.' });
    const latest = await h.run(getDraft, { draftId: d.draftId });
    expect(latest.draft).toMatchObject({ kind: 'blog', topic: 'trail shoes', keywords: ['grip'], length: 'medium', latestVersion: 2 });
    expect(latest.current).toMatchObject({ version: 2, text: 'Edited.', source: 'edit' });
    expect(latest.versions.map((v) => v.characters)).toEqual([[...d.text].length, 7]);
    const first = await h.run(getDraft, { draftId: d.draftId, version: 1 });
    expect(first.current.text).toBe(d.text);
    expect(first.current.offline).toBe(true);
  });
});
