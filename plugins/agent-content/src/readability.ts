import { syllable } from 'syllable';

/** Markdown and the offline label stripped: only the prose is measured. */
export function proseOf(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('[offline model]'))
    .map((l) =>
      l
        .replace(/^\s{0,3}#{1,6}\s+/, '')
        .replace(/^\s*(?:[-*•]|\d+[.)])\s+/, '')
        .replace(/https?:\/\/\S+/g, 'link')
        .replace(/[*_`>]+/g, ''),
    )
    .join('\n');
}

export function wordsOf(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? [];
}

/** Sentences: split at . ! ? … and at line breaks (headings and list items end a sentence). */
export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => wordsOf(s).length > 0);
}

export interface Readability {
  words: number;
  sentences: number;
  syllables: number;
  /** 206.835 − 1.015·(words/sentences) − 84.6·(syllables/words); 60–70 is plain English. */
  fleschReadingEase: number;
}

export function readability(text: string): Readability {
  const prose = proseOf(text);
  const ws = wordsOf(prose);
  const sentences = sentencesOf(prose).length;
  const syllables = ws.reduce((n, w) => n + Math.max(1, syllable(w)), 0);
  if (ws.length === 0 || sentences === 0) return { words: ws.length, sentences, syllables, fleschReadingEase: 0 };
  const score = 206.835 - 1.015 * (ws.length / sentences) - 84.6 * (syllables / ws.length);
  return { words: ws.length, sentences, syllables, fleschReadingEase: Math.round(score * 10) / 10 };
}
