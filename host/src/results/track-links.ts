/**
 * Finds the links of a message a send carries and replaces each by `replace(url)` (its tracked link), in every string
 * of the input at any depth:
 * - `{{link:URL}}`, the placeholder a segment send's author writes;
 * - `href="URL"` (or `'URL'`) in HTML: a link, never an image's `src`;
 * - a bare URL in plain text (a string without `<`), its trailing punctuation left outside.
 * A string that is nothing but one URL (a media or attachment field, a preview link) is left as is, and so are the
 * fields that name where the message goes (`to`, `from`, `connection`, ...).
 */
const PLACEHOLDER = /\{\{link:(https?:\/\/[^\s}]+)\}\}/g;
const HREF = /(href\s*=\s*)(["'])(https?:\/\/[^"'\s<>]+)\2/gi;
const BARE = /https?:\/\/[^\s<>"'`]+/g;
const TRAILING = /[.,;:!?)\]}'"]+$/;
const WHOLE_URL = /^\s*https?:\/\/\S+\s*$/;
/** Fields never rewritten: addresses, routing and tags. */
const SKIP = new Set([
  'to',
  'from',
  'cc',
  'bcc',
  'replyTo',
  'recipient',
  'recipients',
  'phone',
  'connection',
  'network',
  'tags',
  'idempotencyKey',
]);

type Replace = (url: string) => Promise<string>;

async function trackText(text: string, replace: Replace, keep: (url: string) => boolean): Promise<string> {
  if (WHOLE_URL.test(text)) return text;
  let out = await rewrite(
    text,
    PLACEHOLDER,
    replace,
    keep,
    (m) => m[1]!,
    (_m, to) => to,
  );
  out = await rewrite(
    out,
    HREF,
    replace,
    keep,
    (m) => m[3]!,
    (m, to) => `${m[1]}${m[2]}${to}${m[2]}`,
  );
  if (!out.includes('<'))
    out = await rewrite(
      out,
      BARE,
      replace,
      keep,
      (m) => m[0].replace(TRAILING, ''),
      (m, to, url) => `${to}${m[0].slice(url.length)}`,
    );
  return out;
}

/** Replaces each match of `re` in `text` (one call of `replace` per distinct URL), left to right. */
async function rewrite(
  text: string,
  re: RegExp,
  replace: Replace,
  keep: (url: string) => boolean,
  urlOf: (m: RegExpMatchArray) => string,
  build: (m: RegExpMatchArray, to: string, url: string) => string,
): Promise<string> {
  const matches = [...text.matchAll(re)];
  if (matches.length === 0) return text;
  const done = new Map<string, string>();
  let out = '';
  let at = 0;
  for (const m of matches) {
    const url = urlOf(m);
    if (!url || keep(url)) continue;
    let to = done.get(url);
    if (to === undefined) {
      to = await replace(url);
      done.set(url, to);
    }
    out += text.slice(at, m.index) + build(m, to, url);
    at = m.index! + m[0].length;
  }
  return out + text.slice(at);
}

/**
 * The input with its links tracked (see above): each URL becomes `<base>/r/<code>`, its code from `codeFor(url)`; a
 * URL that is already one of the base's tracked links is left as is.
 */
export async function trackLinks(value: unknown, base: string, codeFor: (url: string) => Promise<string>): Promise<unknown> {
  const prefix = `${base.replace(/\/+$/, '')}/r/`;
  return walk(
    value,
    async (url) => `${prefix}${await codeFor(url)}`,
    (url) => url.startsWith(prefix),
  );
}

async function walk(value: unknown, replace: Replace, keep: (url: string) => boolean): Promise<unknown> {
  if (typeof value === 'string') return trackText(value, replace, keep);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) out.push(await walk(v, replace, keep));
    return out;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SKIP.has(k) ? v : await walk(v, replace, keep);
    return out;
  }
  return value;
}
