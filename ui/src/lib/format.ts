/**
 * Dates and counts in words for the console, through formatters made once: `Date#toLocaleString(locale, options)`
 * and `Number#toLocaleString(locale)` build a new Intl formatter on every call, which on a page of thirty approvals
 * cost tens of milliseconds of the first render and of hydration (bench/console/trace.ts).
 *
 * A date is always written in a named time zone — the workspace's (its shell's `timeZone`), or UTC outside a
 * workspace — never the reader's: the page is rendered on the server, whose zone is not the browser's, and a date
 * written in each would change under the reader's eyes when the page hydrates.
 */
const countFormat = new Intl.NumberFormat('en-US');
const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(kind: 'dateTime' | 'time', timeZone: string): Intl.DateTimeFormat {
  const key = `${kind} ${timeZone}`;
  let f = formats.get(key);
  if (!f) {
    const style: Intl.DateTimeFormatOptions = kind === 'dateTime' ? { dateStyle: 'medium', timeStyle: 'short' } : { timeStyle: 'short' };
    try {
      f = new Intl.DateTimeFormat('en', { ...style, timeZone });
    } catch {
      // a zone this runtime does not know (the host checks zones when they are set): UTC, on both sides alike
      f = new Intl.DateTimeFormat('en', { ...style, timeZone: 'UTC' });
    }
    formats.set(key, f);
  }
  return f;
}

const asDate = (iso: string | Date) => (typeof iso === 'string' ? new Date(iso) : iso);

/** "Dec 6, 2026, 6:42 PM": a moment, in the given time zone (the workspace's). */
export const dateTime = (iso: string | Date, timeZone: string): string => formatIn('dateTime', timeZone).format(asDate(iso));

/** "6:42 PM": the time of a moment, in the given time zone (the workspace's). */
export const time = (iso: string | Date, timeZone: string): string => formatIn('time', timeZone).format(asDate(iso));

/** 12,345: a count with thousands separators. */
export const count = (n: number): string => countFormat.format(n);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * "expires in 3 h" (or "in 25 min", "in 2 days"): how long something still waits from `now`, rounded down (never
 * promising more time than is left); null once past. Pass the same `now` to the server's render and the browser's
 * (the page's load answers it), or the words could differ when the page hydrates.
 */
export function expiresIn(iso: string, now: number): string | null {
  const left = Date.parse(iso) - now;
  if (!(left > 0)) return null;
  if (left < HOUR) return `expires in ${Math.max(1, Math.floor(left / MINUTE))} min`;
  if (left < 48 * HOUR) return `expires in ${Math.floor(left / HOUR)} h`;
  return `expires in ${Math.floor(left / (24 * HOUR))} days`;
}
