/** agent-content's draft shapes (plugins/agent-content/src/model.ts), as its tools answer them. */
export interface Draft {
  draftId: string;
  kind: 'blog' | 'email' | 'social';
  topic: string;
  audience?: string;
  keywords: string[];
  length: string;
  latestVersion: number;
  createdAt: string;
  updatedAt: string;
}
export interface VersionMeta {
  version: number;
  source: 'model' | 'edit';
  model?: string;
  offline: boolean;
  note?: string;
  createdAt: string;
  characters?: number;
}
export interface Version extends VersionMeta {
  text: string;
}
export interface DraftDiff {
  draftId: string;
  from: number;
  to: number;
  unified: string;
  added: number;
  removed: number;
}

export const OFFLINE_LABEL = '[offline model]';

/** agent-content's quality gate report (check_quality). */
export interface Quality {
  pass: boolean;
  reasons: { code: string; message: string }[];
  readability: { words: number; sentences: number; syllables: number; fleschReadingEase: number };
  bounds: { min: number; max: number };
  bannedPhrases: { phrase: string; count: number }[];
  offline: boolean;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The text in pieces with each occurrence of a phrase marked (case-insensitive, whole words, as the quality
 * gate counts them), so a finding shows where it is.
 */
export function markPhrases(text: string, phrases: readonly string[]): { text: string; hit: boolean }[] {
  const ps = phrases.map((p) => p.trim()).filter(Boolean);
  if (!ps.length) return [{ text, hit: false }];
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(${ps.map((p) => escapeRe(p).replace(/\s+/g, '\\s+')).join('|')})(?![\\p{L}\\p{N}])`, 'giu');
  const out: { text: string; hit: boolean }[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), hit: false });
    out.push({ text: m[0], hit: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), hit: false });
  return out;
}

/** An image attached to a draft (agent-content's list_media). */
export interface Media {
  mediaId: string;
  draftId: string;
  filename: string;
  contentType: string;
  bytes: number;
  alt?: string;
  createdAt: string;
}
/** What the console accepts as an attachment (agent-content checks the bytes again). */
export const MEDIA_ACCEPT = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
export const MEDIA_MAX_BYTES = 500 * 1024;
