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
