import { describe, expect, it } from 'vitest';
import { createHashEmbedder } from '../src/embedders/hash.js';

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('hash embedder', () => {
  const e = createHashEmbedder();

  it('is 384-dimensional, L2-normalised and deterministic', async () => {
    const [a, b] = await e.embed(['Spring sale on running shoes', 'Spring sale on running shoes']);
    expect(e.dimensions).toBe(384);
    expect(e.id).toBe('hash-v1-384');
    expect(a).toHaveLength(384);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 10);
    expect(a).toEqual(b);
    const [again] = await createHashEmbedder().embed(['Spring sale on running shoes']);
    expect(again).toEqual(a);
  });

  it('puts texts that share words closer than unrelated texts', async () => {
    const [q, near, far] = await e.embed(['running shoes sale', 'a sale on running shoes this spring', 'quarterly tax filing deadline']);
    expect(cosine(q!, near!)).toBeGreaterThan(0.4);
    expect(cosine(q!, near!)).toBeGreaterThan(cosine(q!, far!) + 0.3);
  });

  it('matches spelling variants through character trigrams', async () => {
    const [a, b, c] = await e.embed(['newsletter', 'newsletters', 'invoice']);
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!) + 0.3);
  });

  it('gives the zero vector for text with no words', async () => {
    const [z] = await e.embed(['!!! ---']);
    expect(z!.every((x) => x === 0)).toBe(true);
  });
});
