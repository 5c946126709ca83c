import { type Network, RULES } from './networks.js';

export interface Warning {
  code: string;
  message: string;
}

export interface ComposedPost {
  network: Network;
  post: string;
  /** Length as the network counts it (x: each URL counts 23). */
  length: number;
  maxLength: number;
  hashtags: string[];
  links: string[];
  trimmed: boolean;
  warnings: Warning[];
  /** False when a hard limit is still broken (nothing could be trimmed to fit). */
  valid: boolean;
}

const URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/giu;
/** A hashtag: letters, digits, underscores (any script), at least one letter, no leading digit-only tag. */
const HASHTAG_BODY = /^[\p{L}\p{M}\p{N}_]+$/u;
const HASHTAG_IN_TEXT = /(^|[^\p{L}\p{N}_&])#([\p{L}\p{M}\p{N}_]+)/gu;

/** Code points, with each URL counted `urlLength` when given. */
export function weightedLength(text: string, urlLength?: number): number {
  if (urlLength === undefined) return [...text].length;
  let n = 0;
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    n += [...text.slice(last, m.index)].length + urlLength;
    last = m.index + m[0].length;
  }
  return n + [...text.slice(last)].length;
}

export function findLinks(text: string): string[] {
  return [...text.matchAll(URL_RE)].map((m) => m[0]);
}

function validUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.includes('.');
  } catch {
    return false;
  }
}

/** `#Spring_Sale` / `spring sale` -> `#SpringSale`-free check: returns the tag with `#`, or undefined when invalid. */
export function normalizeHashtag(raw: string): string | undefined {
  const body = raw.trim().replace(/^#+/, '');
  if (!HASHTAG_BODY.test(body) || !/\p{L}/u.test(body) || [...body].length > 100) return undefined;
  return `#${body}`;
}

/** Cuts text at a word boundary so that it plus an ellipsis is at most `budget` long (weighted). */
function trimToBudget(text: string, budget: number, urlLength?: number): string {
  if (weightedLength(text, urlLength) <= budget) return text;
  if (budget <= 1) return '';
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  // The longest prefix whose weighted length + 1 (the ellipsis) fits.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (weightedLength(chars.slice(0, mid).join(''), urlLength) + 1 <= budget) lo = mid;
    else hi = mid - 1;
  }
  let cut = chars.slice(0, lo).join('');
  // Never cut inside a URL: drop a partial one.
  const partial = /\bhttps?:\/\/\S*$/.exec(cut);
  if (partial && !text.slice(0, cut.length + 1).match(/\s$/)) cut = cut.slice(0, partial.index);
  const space = cut.lastIndexOf(' ');
  if (space > cut.length / 2) cut = cut.slice(0, space);
  return `${cut.replace(/[\s,;:.!?–—-]+$/u, '')}…`;
}

export interface ComposeInput {
  network: Network;
  text: string;
  hashtags: string[];
  link?: string;
}

/**
 * Fits a post to its network: validates hashtags (given and in the text) and links, appends the
 * link and the new hashtags, and trims the text (never the link or the tags) at a word boundary
 * when the whole is too long.
 */
export function composePost(input: ComposeInput): ComposedPost {
  const rules = RULES[input.network];
  const warnings: Warning[] = [];
  const text = input.text.replace(/[ \t]+\n/g, '\n').trim();

  const inText = new Set([...text.matchAll(HASHTAG_IN_TEXT)].map((m) => `#${m[2]}`.toLowerCase()));
  const extra: string[] = [];
  const seen = new Set(inText);
  for (const raw of input.hashtags) {
    const tag = normalizeHashtag(raw);
    if (!tag) {
      warnings.push({
        code: 'hashtag_invalid',
        message: `"${raw}" is not a valid hashtag (letters, digits and _ only, at least one letter): dropped`,
      });
      continue;
    }
    if (seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    extra.push(tag);
  }
  for (const m of text.matchAll(HASHTAG_IN_TEXT)) {
    if (!/\p{L}/u.test(m[2]!))
      warnings.push({ code: 'hashtag_invalid', message: `#${m[2]} has no letter: networks do not link it as a hashtag` });
  }
  let hashtags = [...[...text.matchAll(HASHTAG_IN_TEXT)].map((m) => `#${m[2]}`), ...extra];
  if (rules.maxHashtags !== undefined && hashtags.length > rules.maxHashtags) {
    const over = hashtags.length - rules.maxHashtags;
    const keep = Math.max(0, extra.length - over);
    warnings.push({ code: 'hashtags_over_limit', message: `${input.network} allows ${rules.maxHashtags} hashtags; ${over} were dropped` });
    extra.splice(keep);
    hashtags = [...[...text.matchAll(HASHTAG_IN_TEXT)].map((m) => `#${m[2]}`), ...extra];
  } else if (hashtags.length > rules.recommendedHashtags) {
    warnings.push({
      code: 'hashtags_many',
      message: `${hashtags.length} hashtags; on ${input.network} more than ${rules.recommendedHashtags} usually lowers reach`,
    });
  }

  const links = findLinks(text);
  for (const l of links) if (!validUrl(l)) warnings.push({ code: 'link_invalid', message: `${l} is not a valid http(s) link` });
  if (input.link !== undefined && !links.includes(input.link)) links.push(input.link);
  if (links.length > 0 && !rules.linksClickable)
    warnings.push({
      code: 'link_not_clickable',
      message: `links in ${input.network} captions are not clickable: put the link in the bio or a story`,
    });

  const tail = [input.link !== undefined && !text.includes(input.link) ? input.link : '', extra.join(' ')]
    .filter((s) => s.length > 0)
    .join(' ');
  const join = (body: string) => (tail ? (body ? `${body}\n\n${tail}` : tail) : body);
  let body = text;
  let trimmed = false;
  if (weightedLength(join(body), rules.urlLength) > rules.maxLength) {
    const budget = rules.maxLength - (tail ? weightedLength(tail, rules.urlLength) + 2 : 0);
    body = trimToBudget(text, budget, rules.urlLength);
    trimmed = true;
    warnings.push({
      code: 'trimmed',
      message: `the text was cut to fit ${input.network}'s ${rules.maxLength} characters${rules.urlLength ? ` (links count ${rules.urlLength})` : ''}`,
    });
  }
  const post = join(body);
  const length = weightedLength(post, rules.urlLength);
  const valid = length <= rules.maxLength && body.length > 0;
  if (!valid) warnings.push({ code: 'too_long', message: `the link and hashtags alone exceed ${rules.maxLength} characters` });
  return { network: input.network, post, length, maxLength: rules.maxLength, hashtags, links, trimmed, warnings, valid };
}
