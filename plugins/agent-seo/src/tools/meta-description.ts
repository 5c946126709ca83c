import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { charLength, countPhrase, splitSentences, tokens } from '../text.js';

const input = z
  .object({
    text: z.string().trim().min(1).describe('The page copy to pick sentences from; blank lines separate paragraphs.'),
    keyword: z.string().trim().min(1).describe('The focus keyword or phrase the description should contain.'),
    minLength: z.number().int().min(50).max(300).default(120).describe('Shortest acceptable description, in characters (default 120).'),
    maxLength: z.number().int().min(50).max(300).default(155).describe('Longest acceptable description, in characters (default 155).'),
  })
  .refine((v) => v.minLength <= v.maxLength, { message: 'minLength is above maxLength', path: ['minLength'] });

const output = z.object({
  description: z.string(),
  length: z.number(),
  containsKeyword: z.boolean(),
  /** Indexes of the sentences used, in text order. */
  sentenceIndexes: z.array(z.number()),
  truncated: z.boolean(),
  verdict: z.enum(['ok', 'too_short']),
});

/** Cuts `s` at a word boundary so that it plus an ellipsis fits `max` characters. */
function trimTo(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  const cut = chars.slice(0, max - 1).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.!?–—-]+$/, '')}…`;
}

/** Longest run of consecutive sentences a candidate may span. */
const MAX_SPAN = 4;

interface Candidate {
  start: number;
  end: number;
  description: string;
  truncated: boolean;
  /** 3: fits [min, max] whole; 2: cut to max with the keyword kept; 1: shorter than min. */
  tier: number;
  /** Character offset of the keyword in the description (Infinity when absent). */
  keywordAt: number;
}

function keywordOffset(text: string, keyword: string[]): number {
  if (keyword.length === 0) return Number.POSITIVE_INFINITY;
  const re = new RegExp(keyword.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\W+'), 'iu');
  const m = re.exec(text);
  return m ? [...text.slice(0, m.index)].length : Number.POSITIVE_INFINITY;
}

/**
 * Extractive: every window of up to 4 consecutive sentences that contains a sentence with the
 * keyword is a candidate. Best is a window that fits [min, max] whole; then one cut at a word
 * boundary to max (with an ellipsis) that still holds the keyword; then the longest too-short one.
 * Ties go to the keyword nearest the start, then to the earliest window. Without the keyword in
 * the text, the windows start at the first sentence.
 */
export function suggestMetaDescription(text: string, keyword: string, min: number, max: number) {
  const sentences = splitSentences(text);
  const phrase = tokens(keyword);
  const hits = sentences.map((s, i) => (countPhrase(tokens(s), phrase) > 0 ? i : -1)).filter((i) => i >= 0);
  const anchors = hits.length > 0 ? hits : [0];
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  for (const k of anchors)
    for (let start = Math.max(0, k - MAX_SPAN + 1); start <= k; start++)
      for (let end = k; end < Math.min(sentences.length, start + MAX_SPAN); end++) {
        if (seen.has(`${start}:${end}`)) continue;
        seen.add(`${start}:${end}`);
        const whole = sentences.slice(start, end + 1).join(' ');
        const n = charLength(whole);
        const description = n > max ? trimTo(whole, max) : whole;
        const keywordAt = keywordOffset(description, phrase);
        const tier = n >= min && n <= max ? 3 : n > max ? (Number.isFinite(keywordAt) || hits.length === 0 ? 2 : 0) : 1;
        candidates.push({ start, end, description, truncated: n > max, tier, keywordAt });
      }
  candidates.sort(
    (a, b) =>
      b.tier - a.tier ||
      (a.tier === 1 ? charLength(b.description) - charLength(a.description) : 0) ||
      a.keywordAt - b.keywordAt ||
      a.start - b.start ||
      a.end - b.end,
  );
  const best = candidates[0] ?? { start: 0, end: -1, description: '', truncated: false, tier: 1, keywordAt: Number.POSITIVE_INFINITY };
  const length = charLength(best.description);
  return {
    description: best.description,
    length,
    containsKeyword: Number.isFinite(keywordOffset(best.description, phrase)),
    sentenceIndexes: Array.from({ length: best.end - best.start + 1 }, (_, i) => best.start + i),
    truncated: best.truncated,
    verdict: length >= min ? ('ok' as const) : ('too_short' as const),
  };
}

export const metaDescription = defineTool({
  name: 'meta_description',
  description:
    'Suggests a meta description (120–155 characters by default) that contains the focus keyword, by picking and trimming the best sentences of the page copy. Extractive and deterministic: no LLM.',
  sideEffect: 'none',
  input,
  output,
  run: (a) => suggestMetaDescription(a.text, a.keyword, a.minLength, a.maxLength),
});
