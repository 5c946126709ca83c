import type { Embedder } from './types.js';

export interface HashEmbedderOptions {
  /** Output dimensions; 384 by default. */
  dimensions?: number;
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** 32-bit FNV-1a over UTF-16 code units, with a seed mixed in so the sign hash is independent of the index hash. */
function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // final avalanche (murmur3 fmix32) so nearby strings spread over all buckets
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** Lowercased word tokens (letters and digits, any script). */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/**
 * A deterministic, offline embedder: feature hashing of word unigrams, word bigrams and
 * character trigrams into `dimensions` buckets, with a signed hash (so collisions cancel
 * out on average), sublinear term weights and L2 normalisation. It captures lexical
 * overlap and spelling variants, not meaning: use a provider embedder for semantics.
 */
export function createHashEmbedder(options: HashEmbedderOptions = {}): Embedder {
  const dimensions = options.dimensions ?? 384;
  if (!Number.isInteger(dimensions) || dimensions < 8) throw new RangeError('hash embedder dimensions must be an integer >= 8');

  const WEIGHTS: Record<string, number> = { u: 1, b: 0.7, c: 0.35 };

  function add(counts: Map<string, number>, feature: string): void {
    counts.set(feature, (counts.get(feature) ?? 0) + 1);
  }

  function embedOne(text: string): number[] {
    const words = tokenize(text);
    const features = new Map<string, number>();
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      add(features, `u:${w}`);
      if (i + 1 < words.length) add(features, `b:${w} ${words[i + 1]}`);
      const padded = `^${w}$`;
      for (let j = 0; j + 3 <= padded.length; j++) add(features, `c:${padded.slice(j, j + 3)}`);
    }
    const v = new Float64Array(dimensions);
    for (const [feature, count] of features) {
      const idx = fnv1a(feature, 0) % dimensions;
      const sign = (fnv1a(feature, 0x9e3779b9) & 1) === 0 ? 1 : -1;
      const weight = (WEIGHTS[feature[0]!] ?? 1) * (1 + Math.log(count));
      v[idx] = (v[idx] ?? 0) + sign * weight;
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    const out = new Array<number>(dimensions);
    for (let i = 0; i < dimensions; i++) out[i] = norm === 0 ? 0 : (v[i] ?? 0) / norm;
    return out;
  }

  return {
    id: `hash-v1-${dimensions}`,
    dimensions,
    async embed(texts: string[]): Promise<number[][]> {
      return texts.map(embedOne);
    },
  };
}
