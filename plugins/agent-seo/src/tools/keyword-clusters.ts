import { defineTool } from '@neonhub/sdk';
import { stemmer } from 'stemmer';
import { z } from 'zod';
import { tokens } from '../text.js';

/** Words too common to group keywords by. */
const STOPWORDS = new Set(
  'a an and are as at be best by can do does for from get how i in is it my near of on or the to top vs what when where which who why with without you your'.split(
    ' ',
  ),
);

const input = z.object({
  keywords: z.array(z.string().trim().min(1)).min(1).max(2000).describe('The keywords or phrases to group.'),
  minSimilarity: z
    .number()
    .min(0.1)
    .max(1)
    .default(0.5)
    .describe('Jaccard similarity of two keywords’ stem sets at or above which they join one cluster (default 0.5).'),
});

const output = z.object({
  clusters: z.array(z.object({ label: z.string(), stems: z.array(z.string()), keywords: z.array(z.string()) })),
  duplicates: z.array(z.string()),
});

/** The stems of a keyword's content words (Porter stemmer), e.g. "Running shoes" -> ["run", "shoe"]. */
export function stemsOf(keyword: string): string[] {
  const words = tokens(keyword).filter((w) => !STOPWORDS.has(w));
  return [...new Set((words.length > 0 ? words : tokens(keyword)).map((w) => stemmer(w)))].sort();
}

function jaccard(a: readonly string[], b: readonly string[]): number {
  const setB = new Set(b);
  const shared = a.filter((s) => setB.has(s)).length;
  return shared / (a.length + b.length - shared);
}

/** Deterministic single-link clustering by stem-set similarity, with union-find. */
export function clusterKeywords(keywords: readonly string[], minSimilarity: number) {
  const seen = new Map<string, number>();
  const unique: string[] = [];
  const duplicates: string[] = [];
  for (const k of keywords) {
    const norm = tokens(k).join(' ');
    if (seen.has(norm)) duplicates.push(k);
    else {
      seen.set(norm, unique.length);
      unique.push(k.trim().replace(/\s+/g, ' '));
    }
  }
  const stems = unique.map(stemsOf);
  const parent = unique.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const byStem = new Map<string, number[]>();
  stems.forEach((ss, i) => {
    for (const s of ss) byStem.set(s, [...(byStem.get(s) ?? []), i]);
  });
  const compared = new Set<string>();
  for (const members of byStem.values())
    for (let x = 0; x < members.length; x++)
      for (let y = x + 1; y < members.length; y++) {
        const i = members[x]!;
        const j = members[y]!;
        const key = `${i}:${j}`;
        if (compared.has(key)) continue;
        compared.add(key);
        if (jaccard(stems[i]!, stems[j]!) >= minSimilarity) {
          const [ri, rj] = [find(i), find(j)];
          if (ri !== rj) parent[Math.max(ri, rj)] = Math.min(ri, rj);
        }
      }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < unique.length; i++) {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), i]);
  }
  const clusters = [...groups.values()].map((idx) => {
    const freq = new Map<string, number>();
    for (const i of idx) for (const s of stems[i]!) freq.set(s, (freq.get(s) ?? 0) + 1);
    const shared = [...freq]
      .filter(([, n]) => n === idx.length)
      .map(([s]) => s)
      .sort();
    const label = idx.map((i) => unique[i]!).reduce((a, b) => (b.length < a.length || (b.length === a.length && b < a) ? b : a));
    return { label, stems: shared, keywords: idx.map((i) => unique[i]!) };
  });
  clusters.sort((a, b) => b.keywords.length - a.keywords.length || a.label.localeCompare(b.label));
  return { clusters, duplicates };
}

export const keywordClusters = defineTool({
  name: 'keyword_clusters',
  description:
    'Groups a keyword list into topic clusters by shared word stems (Porter stemmer, stopwords ignored, Jaccard similarity of stem sets). Deterministic: the same list always gives the same clusters; duplicates are reported.',
  sideEffect: 'none',
  input,
  output,
  run: (a) => clusterKeywords(a.keywords, a.minSimilarity),
});
