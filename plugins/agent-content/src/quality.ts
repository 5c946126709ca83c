import { type Kind, OFFLINE_LABEL, WORD_BOUNDS } from './model.js';
import { readability } from './readability.js';

export const MIN_READING_EASE = 50;

export interface QualityReport {
  pass: boolean;
  reasons: Array<{ code: string; message: string }>;
  readability: ReturnType<typeof readability>;
  bounds: { min: number; max: number };
  bannedPhrases: Array<{ phrase: string; count: number }>;
  offline: boolean;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Counts a phrase case-insensitively, not inside longer words ("free" does not match "freedom"). */
export function countPhrase(text: string, phrase: string): number {
  const body = escapeRe(phrase.trim()).replace(/\s+/g, '\\s+');
  const re = new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'giu');
  return text.match(re)?.length ?? 0;
}

/**
 * The quality gate: passes when the prose is readable (Flesch ≥ 50), its word count is within the
 * bounds of its kind, no banned phrase appears, and a real model (not the offline templates) wrote it.
 */
export function checkQuality(text: string, kind: Kind, banned: readonly string[], disclosures: readonly string[] = []): QualityReport {
  const r = readability(text);
  const bounds = WORD_BOUNDS[kind];
  const reasons: QualityReport['reasons'] = [];
  const offline = text.trimStart().startsWith(OFFLINE_LABEL);
  if (offline)
    reasons.push({
      code: 'offline_template',
      message: 'written from templates by the offline model: rewrite it or configure a real model before publishing',
    });
  if (r.words < bounds.min) reasons.push({ code: 'too_short', message: `${r.words} words; a ${kind} needs at least ${bounds.min}` });
  if (r.words > bounds.max) reasons.push({ code: 'too_long', message: `${r.words} words; a ${kind} should have at most ${bounds.max}` });
  if (r.words > 0 && r.fleschReadingEase < MIN_READING_EASE)
    reasons.push({
      code: 'hard_to_read',
      message: `Flesch reading ease ${r.fleschReadingEase} is below ${MIN_READING_EASE}: use shorter sentences and words`,
    });
  const found = banned.map((phrase) => ({ phrase, count: countPhrase(text, phrase) })).filter((b) => b.count > 0);
  for (const b of found) reasons.push({ code: 'banned_phrase', message: `uses the banned phrase "${b.phrase}" ${b.count}×` });
  const squash = (t: string) => t.replace(/\s+/g, ' ').trim().toLowerCase();
  for (const d of disclosures)
    if (!squash(text).includes(squash(d)))
      reasons.push({ code: 'disclosure_missing', message: `lacks the brand kit's disclosure for a ${kind}, word for word: "${d}"` });
  return { pass: reasons.length === 0, reasons, readability: r, bounds, bannedPhrases: found, offline };
}
