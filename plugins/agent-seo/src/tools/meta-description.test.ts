import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { metaDescription } from './meta-description.js';

const harness = createHarness(plugin);
const suggest = (input: unknown) => harness.run(metaDescription, input);

const copy =
  'Our spring sale starts Monday. Every pair of trail running shoes is 30% off for one week only, with free returns on all orders. ' +
  'We tested each model on rocky and muddy trails so you can pick with confidence. Sign up to get early access.';

describe('meta_description', () => {
  it('picks the consecutive sentences that fit 120–155 characters and contain the keyword', async () => {
    const r = await suggest({ text: copy, keyword: 'trail running shoes' });
    expect(r.description).toBe(
      'Our spring sale starts Monday. Every pair of trail running shoes is 30% off for one week only, with free returns on all orders.',
    );
    expect(r).toMatchObject({ length: 127, containsKeyword: true, sentenceIndexes: [0, 1], truncated: false, verdict: 'ok' });
  });

  it('cuts one long sentence at a word boundary with an ellipsis, keeping the keyword', async () => {
    const long =
      'Choosing trail running shoes is easier when you know how grip, cushioning, drop, weight, rock plates, waterproof membranes and the shape of your foot interact on different kinds of terrain over long distances.';
    const r = await suggest({ text: long, keyword: 'trail running shoes' });
    expect(r.truncated).toBe(true);
    expect(r.length).toBeLessThanOrEqual(155);
    expect(r.length).toBeGreaterThanOrEqual(120);
    expect(r.description.endsWith('…')).toBe(true);
    expect(r.description).not.toMatch(/\s…$/);
    expect(long.startsWith(r.description.slice(0, -1))).toBe(true);
    expect(r.containsKeyword).toBe(true);
  });

  it('says too_short when the text cannot fill the range, and containsKeyword false without the keyword', async () => {
    const r = await suggest({ text: 'Short copy about boots.', keyword: 'sandals' });
    expect(r).toMatchObject({ description: 'Short copy about boots.', containsKeyword: false, verdict: 'too_short' });
  });

  it('honours custom bounds and rejects min above max', async () => {
    const r = await suggest({ text: copy, keyword: 'free returns', minLength: 60, maxLength: 100 });
    expect(r.length).toBeLessThanOrEqual(100);
    expect(r.containsKeyword).toBe(true);
    await expect(suggest({ text: copy, keyword: 'x', minLength: 150, maxLength: 100 })).rejects.toMatchObject({
      code: 'NH_SDK_INPUT_INVALID',
    });
  });
});
