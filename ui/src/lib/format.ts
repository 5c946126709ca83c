/**
 * Dates and counts in words for the console, through formatters made once: `Date#toLocaleString(locale, options)`
 * and `Number#toLocaleString(locale)` build a new Intl formatter on every call, which on a page of thirty approvals
 * cost tens of milliseconds of the first render and of hydration (bench/console/trace.ts).
 */
const dateTimeFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
const countFormat = new Intl.NumberFormat('en-US');

/** "6 Dec 2026, 18:42" style: a moment, in the reader's time zone. */
export const dateTime = (iso: string | Date): string => dateTimeFormat.format(typeof iso === 'string' ? new Date(iso) : iso);

/** 12,345: a count with thousands separators. */
export const count = (n: number): string => countFormat.format(n);
