import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { competitorMentions } from './competitor-mentions.js';

const texts = [
  'We switched from Acme to you last year.',
  "acme's pricing is better, honestly.",
  'Acmeville is a town, not a vendor.',
  'HubSpot vs ACME Cloud: which one?',
];

describe('competitor_mentions', () => {
  it('counts case-insensitive whole-word mentions with aliases and context, ranked by count', async () => {
    const r = await createHarness(plugin).run(competitorMentions, {
      texts,
      competitors: [{ name: 'Acme', aliases: ['Acme Cloud'] }, 'HubSpot', 'Mailchimp'],
      contextChars: 10,
    });
    expect(r.competitors.map((c) => [c.name, c.count, c.texts])).toEqual([
      ['Acme', 3, 3],
      ['HubSpot', 1, 1],
      ['Mailchimp', 0, 0],
    ]);
    const acme = r.competitors[0]!;
    expect(acme.mentions.map((m) => [m.textIndex, m.match, m.offset])).toEqual([
      [0, 'Acme', 17],
      [1, 'acme', 0],
      [3, 'ACME Cloud', 11],
    ]);
    expect(acme.mentions[0]!.context).toBe('…ched from Acme to you la…');
    expect(acme.share).toBe(0.75);
    expect(r).toMatchObject({ totalMentions: 4, textsSearched: 4 });
  });

  it('caps returned mentions but not the count', async () => {
    const r = await createHarness(plugin).run(competitorMentions, { texts: ['Acme acme ACME'], competitors: ['acme'], maxMentions: 1 });
    expect(r.competitors[0]).toMatchObject({ count: 3 });
    expect(r.competitors[0]!.mentions).toHaveLength(1);
  });
});
