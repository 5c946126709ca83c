import { syllable } from 'syllable';

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
const wordSegmenter = new Intl.Segmenter('en', { granularity: 'word' });

/** Abbreviations after which ICU's sentence break must not split ("Dr. Smith", "e.g. this"). */
const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'sr',
  'jr',
  'st',
  'vs',
  'etc',
  'e.g',
  'i.e',
  'inc',
  'ltd',
  'co',
  'no',
  'fig',
]);

function endsWithAbbreviation(sentence: string): boolean {
  const m = /([A-Za-z.]+)\.\s*$/.exec(sentence);
  return m !== null && ABBREVIATIONS.has(m[1]!.toLowerCase());
}

/**
 * Splits text into blocks (paragraphs, headings, list items), then each block into sentences.
 * Plain text: blank lines separate blocks. Text taken from HTML: each line is a block.
 */
export function splitSentences(text: string, blocks: 'blank-lines' | 'lines' = 'blank-lines'): string[] {
  const parts = blocks === 'lines' ? text.split(/\n+/) : text.split(/\n\s*\n/);
  const out: string[] = [];
  for (const block of parts) {
    const flat = block.replace(/\s+/g, ' ').trim();
    if (!flat) continue;
    let pending = '';
    for (const { segment } of sentenceSegmenter.segment(flat)) {
      pending += segment;
      if (endsWithAbbreviation(pending)) continue;
      if (words(pending).length > 0) out.push(pending.trim());
      pending = '';
    }
    if (pending.trim() && words(pending).length > 0) out.push(pending.trim());
  }
  return out;
}

/** Words (letters or digits, with inner apostrophes and hyphens kept by ICU word breaking). */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const s of wordSegmenter.segment(text)) if (s.isWordLike) out.push(s.segment);
  return out;
}

/** Syllables of one word: the `syllable` library (English), at least 1 so numbers and acronyms count. */
export function syllables(word: string): number {
  return Math.max(1, syllable(word));
}

/** Lower-cased word tokens, for matching keywords and phrases. */
export function tokens(text: string): string[] {
  return words(text).map((w) => w.toLowerCase().replace(/’/g, "'"));
}

/** How often the token sequence `phrase` occurs in `haystack` (non-overlapping). */
export function countPhrase(haystack: readonly string[], phrase: readonly string[]): number {
  if (phrase.length === 0) return 0;
  let count = 0;
  for (let i = 0; i + phrase.length <= haystack.length; ) {
    let match = true;
    for (let j = 0; j < phrase.length; j++)
      if (haystack[i + j] !== phrase[j]) {
        match = false;
        break;
      }
    if (match) {
      count++;
      i += phrase.length;
    } else i++;
  }
  return count;
}

/** Length as a person counts characters (code points, not UTF-16 units). */
export function charLength(s: string): number {
  return [...s].length;
}

export const round = (n: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};
