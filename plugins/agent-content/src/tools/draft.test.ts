import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { GOOD_BLOG, recordingLlm } from '../test-helpers.js';
import { draft } from './draft.js';

const brief = {
  kind: 'blog',
  topic: 'our spring sale on trail running shoes',
  audience: 'trail runners',
  keywords: ['free returns'],
  context: ['30% off every pair from March 1 to 31'],
};

describe('draft', () => {
  it('with the offline model: the [offline model] label reaches the draft, and the gate says it is a template', async () => {
    const h = createHarness(plugin, { config: { brandVoice: 'warm, plain-spoken' } });
    const r = await h.run(draft, brief);
    expect(r.offline).toBe(true);
    expect(r.text.startsWith('[offline model] Draft blog post')).toBe(true);
    expect(r.text).toContain('# Our Spring Sale on Trail Running Shoes');
    expect(r.text).toContain('for trail runners. Tone: warm, plain-spoken.');
    expect(r.text).toContain('- 30% off every pair from March 1 to 31');
    expect(r.text).toContain('- free returns');
    expect(r.model).toMatch(/^offline\//);
    expect(r.quality.pass).toBe(false);
    expect(r.quality.reasons.map((x) => x.code)).toEqual(['offline_template', 'too_short']);
    expect(r.version).toBe(1);
    const stored = await h.context.store.get<{ text: string; offline: boolean }>('versions', `${r.draftId}/000001`);
    expect(stored?.value).toMatchObject({ text: r.text, offline: true, source: 'model' });
  });

  it('the offline e-mail and social templates are labelled too', async () => {
    const h = createHarness(plugin);
    const email = await h.run(draft, { ...brief, kind: 'email' });
    expect(email.text).toMatch(
      /^\[offline model\] Draft e-mail[^\n]*\n\nSubject: Our Spring Sale on Trail Running Shoes\n\nHi trail runners,/,
    );
    const social = await h.run(draft, { ...brief, kind: 'social' });
    expect(social.text.startsWith('[offline model] Draft social post')).toBe(true);
    expect(social.text).toContain('#spring #sale #trail');
  });

  it('sends the brand voice and banned phrases in the system prompt and the brief in the task', async () => {
    const { llm, seen } = recordingLlm(() => GOOD_BLOG);
    const h = createHarness(plugin, { llm, config: { brandVoice: 'warm', bannedPhrases: ['game-changer'] } });
    const r = await h.run(draft, { ...brief, length: 'short' });
    expect(seen[0]?.system).toContain('Tone: warm');
    expect(seen[0]?.system).toContain('Never use these phrases: "game-changer".');
    // The A/B variant is picked per draft id; benefit-first adds its one line after the task.
    expect(['control', 'benefit-first']).toContain(r.prompt.variantId);
    expect(seen[0]?.prompt.split('\n')).toEqual([
      'Write a blog post about our spring sale on trail running shoes.',
      ...(r.prompt.variantId === 'benefit-first'
        ? ['Open with the one benefit that matters most to the reader, in the first sentence.']
        : []),
      'Audience: trail runners',
      'About 500 words. Structure it with a title, short sections with headings, and a closing call to action.',
      'Use these keywords naturally: free returns.',
      '- 30% off every pair from March 1 to 31',
      '- free returns',
    ]);
    expect(r).toMatchObject({ offline: false, model: 'test/scripted', text: GOOD_BLOG });
    expect(r.quality.pass).toBe(true);
  });
});
