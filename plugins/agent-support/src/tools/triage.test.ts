import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { triage } from './triage.js';

const h = createHarness(plugin);
const run = (text: string, subject?: string) => h.run(triage, subject ? { text, subject } : { text });

describe('triage', () => {
  it('an outage with anger is technical and urgent', async () => {
    const r = await run('The site is down and I am furious, this is unacceptable!');
    expect(r.sentiment).toMatchObject({ score: -5, label: 'negative', negativeWords: ['unacceptable', 'furious'] });
    expect(r).toMatchObject({ category: 'technical', priority: 'urgent' });
    expect(r.priorityReasons[0]).toBe('urgency keywords: down with negative sentiment');
  });

  it('a double charge asking for a refund is billing and high', async () => {
    const r = await run('I was charged twice, please refund me.');
    expect(r).toMatchObject({ category: 'billing', priority: 'high', categoryMatches: { billing: ['charged', 'refund'] } });
    expect(r.priorityReasons).toEqual(['escalating keywords: refund, charged twice']);
  });

  it('praise with an idea is feedback and low', async () => {
    const r = await run('I love the new dashboard, great work! One idea: dark mode.');
    expect(r).toMatchObject({ category: 'feedback', priority: 'low', sentiment: { score: 6, label: 'positive' } });
  });

  it('a neutral password question is account and normal; the subject counts', async () => {
    expect(await run('How do I reset my password?')).toMatchObject({
      category: 'account',
      priority: 'normal',
      sentiment: { label: 'neutral' },
    });
    expect(await run('Please help', 'Cancel my subscription')).toMatchObject({ category: 'billing', priority: 'high' });
  });

  it('handles negation and unknown topics: "not bad" is not negative, no keyword is other', async () => {
    const r = await run('The app is not bad at all');
    expect(r.sentiment.label).toBe('positive');
    expect(r.category).toBe('other');
  });

  it('matches whole words only', async () => {
    const r = await run('The download finished fine.');
    expect(r.categoryMatches.technical).toBeUndefined();
    expect(r).toMatchObject({ category: 'other', priority: 'low' });
  });
});
