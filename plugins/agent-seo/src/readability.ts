import { splitSentences, syllables, words } from './text.js';

export interface Readability {
  sentences: number;
  words: number;
  syllables: number;
  /** Flesch reading ease: 206.835 − 1.015·(words/sentences) − 84.6·(syllables/words). Higher is easier; 60–70 is plain English. */
  fleschReadingEase: number;
  /** Flesch–Kincaid grade: 0.39·(words/sentences) + 11.8·(syllables/words) − 15.59 (a US school grade). */
  fleschKincaidGrade: number;
  avgWordsPerSentence: number;
  avgSyllablesPerWord: number;
}

/** Readability of already-split sentences (unrounded scores). */
export function readabilityOf(sentences: readonly string[]): Readability {
  const ws = sentences.flatMap((s) => words(s));
  const syl = ws.reduce((n, w) => n + syllables(w), 0);
  const sentenceCount = sentences.length;
  if (ws.length === 0 || sentenceCount === 0) {
    return {
      sentences: sentenceCount,
      words: 0,
      syllables: 0,
      fleschReadingEase: 0,
      fleschKincaidGrade: 0,
      avgWordsPerSentence: 0,
      avgSyllablesPerWord: 0,
    };
  }
  const wps = ws.length / sentenceCount;
  const spw = syl / ws.length;
  return {
    sentences: sentenceCount,
    words: ws.length,
    syllables: syl,
    fleschReadingEase: 206.835 - 1.015 * wps - 84.6 * spw,
    fleschKincaidGrade: 0.39 * wps + 11.8 * spw - 15.59,
    avgWordsPerSentence: wps,
    avgSyllablesPerWord: spw,
  };
}

/** Readability of a text whose paragraphs are separated by blank lines. */
export function readability(text: string): Readability {
  return readabilityOf(splitSentences(text));
}
