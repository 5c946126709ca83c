import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { countPhrase } from '../quality.js';
import { readability } from '../readability.js';
import { GOOD_BLOG } from '../test-helpers.js';
import { checkQualityTool } from './check-quality.js';
import { draft } from './draft.js';

describe('check_quality', () => {
  it('computes Flesch reading ease: "The cat sat on the mat." is 116.1', () => {
    expect(readability('The cat sat on the mat.')).toEqual({ words: 6, sentences: 1, syllables: 6, fleschReadingEase: 116.1 });
    // Markdown markers and the offline label are not prose.
    expect(readability('[offline model] Draft.\n\n# The cat\n- sat on the mat').words).toBe(6);
  });

  it('passes readable text within the bounds', async () => {
    const r = await createHarness(plugin).run(checkQualityTool, { text: GOOD_BLOG, kind: 'blog' });
    expect(r).toMatchObject({ pass: true, reasons: [], bounds: { min: 300, max: 2500 }, offline: false });
    expect(r.readability.words).toBe(520);
  });

  it('fails hard-to-read, too long and banned phrases from config and input, with reasons', async () => {
    const h = createHarness(plugin, { config: { bannedPhrases: ['game-changer', 'Act now'] } });
    const hard =
      'Notwithstanding considerable organisational complexity, our revolutionary interdisciplinary methodology systematically operationalises unprecedented transformational capabilities, a genuine game-changer. ' +
      'ACT NOW, act now! Freedom is not free.';
    const r = await h.run(checkQualityTool, { text: hard, kind: 'social', bannedPhrases: ['free'] });
    expect(r.pass).toBe(false);
    expect(r.reasons.map((x) => x.code)).toEqual(['hard_to_read', 'banned_phrase', 'banned_phrase', 'banned_phrase']);
    expect(r.bannedPhrases).toEqual([
      { phrase: 'game-changer', count: 1 },
      { phrase: 'Act now', count: 2 },
      { phrase: 'free', count: 1 },
    ]);
    const long = await h.run(checkQualityTool, { text: 'Go now. '.repeat(100), kind: 'social' });
    expect(long.reasons).toEqual([{ code: 'too_long', message: '200 words; a social should have at most 120' }]);
  });

  it('checks a stored draft: the offline template fails the gate', async () => {
    const h = createHarness(plugin);
    const d = await h.run(draft, { kind: 'email', topic: 'the spring sale' });
    const r = await h.run(checkQualityTool, { draftId: d.draftId });
    expect(r.offline).toBe(true);
    expect(r.reasons[0]?.code).toBe('offline_template');
    await expect(h.run(checkQualityTool, { text: 'x' })).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
  });

  it('matches phrases whole, across whitespace', () => {
    expect(countPhrase('free, FREE and freedom; free\nshipping', 'free shipping')).toBe(1);
    expect(countPhrase('free, FREE and freedom', 'free')).toBe(2);
  });
});
