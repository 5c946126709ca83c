export interface Competitor {
  name: string;
  aliases: string[];
}

export interface Mention {
  textIndex: number;
  /** The text as written (its case). */
  match: string;
  /** Character offset in the text. */
  offset: number;
  context: string;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whole-word, case-insensitive matches of a name or its aliases (Unicode letters and digits are word characters). */
export function findMentions(texts: readonly string[], c: Competitor, contextChars: number): Mention[] {
  const names = [c.name, ...c.aliases].map((n) => n.trim()).filter((n) => n.length > 0);
  // Longest first, so "Acme Cloud" wins over "Acme" at the same place.
  names.sort((x, y) => y.length - x.length);
  const re = new RegExp(
    `(?<![\\p{L}\\p{N}_])(?:${names.map((n) => escapeRe(n).replace(/\s+/g, '\\s+')).join('|')})(?![\\p{L}\\p{N}_])`,
    'giu',
  );
  const out: Mention[] = [];
  texts.forEach((text, textIndex) => {
    for (const m of text.matchAll(re)) {
      const start = Math.max(0, m.index - contextChars);
      const end = Math.min(text.length, m.index + m[0].length + contextChars);
      const context = `${start > 0 ? '…' : ''}${text.slice(start, end).replace(/\s+/g, ' ').trim()}${end < text.length ? '…' : ''}`;
      out.push({ textIndex, match: m[0], offset: m.index, context });
    }
  });
  return out;
}
