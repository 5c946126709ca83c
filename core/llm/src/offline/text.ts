/** Small, deterministic text helpers for the offline model. No randomness, no clock, no locale. */

const STOPWORDS = new Set(
  (
    'a an and are as at be but by can could do does for from has have how i in into is it its me my of on or our please ' +
    'should so than that the their them then there these this those to us was we what when which who will with would you your ' +
    'about after all also any each get just make more most new now one only other out over some such use using via want ' +
    'write draft create give tell need help let lets'
  ).split(' '),
);

/** Words that name plumbing rather than what a tool does. */
const GENERIC_TOOL_WORDS = new Set(['agent', 'plugin', 'tool', 'tools', 'connector', 'capability', 'mcp', 'run', 'call', 'do']);

/** A crude, stable stemmer: enough to match "analyze"/"analyzes"/"analyzing", "pages"/"page". */
export function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && w.endsWith('es') && /(ss|x|ch|sh)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/** Stems of the meaningful words of a text. */
export function keywordStems(text: string, minLength = 3): Set<string> {
  const out = new Set<string>();
  for (const w of words(text)) if (w.length >= minLength && !STOPWORDS.has(w)) out.add(stem(w));
  return out;
}

/** `agent-seo__analyzePage` → ['seo', 'analyz', 'page'] (stems, plumbing words dropped). */
export function toolNameStems(name: string): Set<string> {
  const spaced = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_\-:.]+/g, ' ');
  const out = new Set<string>();
  for (const w of words(spaced)) if (w.length >= 2 && !GENERIC_TOOL_WORDS.has(w) && !STOPWORDS.has(w)) out.add(stem(w));
  return out;
}

const SMALL = new Set(['a', 'an', 'and', 'as', 'at', 'but', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'vs', 'with']);

export function titleCase(text: string): string {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((w, i) => (i > 0 && SMALL.has(w.toLowerCase()) ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(' ');
}

export function truncateWords(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  const at = cut.lastIndexOf(' ');
  return `${(at > max / 2 ? cut.slice(0, at) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

export function sentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** JSON with sorted keys, so equal values always print the same. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

/** Splits text into word-sized deltas whose concatenation is exactly the text. */
export function chunkText(text: string): string[] {
  return text.length === 0 ? [] : text.split(/(?<=\s)(?=\S)/);
}

/** ~4 characters per token, the usual rule of thumb for English. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
