import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { draft } from './draft.js';
import { listDrafts } from './list-drafts.js';
import { revise } from './revise.js';

describe('list_drafts', () => {
  it('lists most recently updated first and filters by kind', async () => {
    const h = createHarness(plugin);
    const a = await h.run(draft, { kind: 'blog', topic: 'first topic' });
    const b = await h.run(draft, { kind: 'social', topic: 'second topic' });
    await new Promise((r) => setTimeout(r, 5));
    await h.run(revise, { draftId: a.draftId, text: 'newer' });
    expect((await h.run(listDrafts, {})).drafts.map((d) => d.draftId)).toEqual([a.draftId, b.draftId]);
    expect((await h.run(listDrafts, { kind: 'social' })).drafts.map((d) => d.topic)).toEqual(['second topic']);
  });
});
