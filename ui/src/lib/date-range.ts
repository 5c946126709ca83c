/**
 * The analytics pages' range of days, kept in the URL: `?range=7|30|90` (the last n days, today included), or
 * `?from=YYYY-MM-DD&to=YYYY-MM-DD` (a custom range), or a page's own default (the campaign's dates). Days are the
 * workspace's, in its time zone, as the results' days are (today is today there). A bad custom range is not sent to the API: the page says what is wrong and shows its
 * default instead.
 */

export const PRESETS = [7, 30, 90] as const;
/** The longest range the results API answers (host/src/results/reader.ts MAX_RANGE_DAYS). */
export const MAX_RANGE_DAYS = 400;
const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface DayRange {
  from: string;
  to: string;
}
export interface ChosenRange extends DayRange {
  /** '7' | '30' | '90', 'custom', or the page's default key ('campaign'). */
  key: string;
  days: number;
  /** Why the custom range asked for was not used. */
  error: string | null;
}

export const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Today (YYYY-MM-DD) in an IANA time zone; a zone the runtime does not know: UTC. */
export function todayIn(timeZone: string, now = Date.now()): string {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${part('year')}-${part('month')}-${part('day')}`;
  } catch {
    return dayOf(now);
  }
}
const timeOf = (day: string) => Date.parse(`${day}T00:00:00Z`);
export const addDays = (day: string, n: number) => dayOf(timeOf(day) + n * DAY_MS);
export const lengthOf = (r: DayRange) => Math.round((timeOf(r.to) - timeOf(r.from)) / DAY_MS) + 1;

/** A real YYYY-MM-DD day (not 2026-02-30). */
export function isDay(s: string | null | undefined): s is string {
  if (!s || !DAY.test(s)) return false;
  const t = timeOf(s);
  return !Number.isNaN(t) && dayOf(t) === s;
}

/** The last `n` days up to `today`. */
export const lastDays = (n: number, today: string): DayRange => ({ from: addDays(today, -(n - 1)), to: today });

/** What is wrong with a custom range, in words, or null. */
export function rangeProblem(from: string | null, to: string | null): string | null {
  if (!isDay(from) || !isDay(to)) return 'Pick a start and an end day.';
  if (from > to) return 'The start must be on or before the end.';
  if (lengthOf({ from, to }) > MAX_RANGE_DAYS) return `Pick at most ${MAX_RANGE_DAYS} days.`;
  return null;
}

/**
 * The range the URL asks for: a valid custom from/to, else a preset, else the page's default (the last 30 days
 * unless the page gives its own, e.g. the campaign's dates).
 */
export function rangeFromUrl(q: URLSearchParams, today: string, fallback?: { key: string; range: DayRange }): ChosenRange {
  const def = fallback ?? { key: '30', range: lastDays(30, today) };
  const pick = (key: string, r: DayRange, error: string | null = null): ChosenRange => ({ key, ...r, days: lengthOf(r), error });
  const from = q.get('from');
  const to = q.get('to');
  if (from !== null || to !== null) {
    const problem = rangeProblem(from, to);
    return problem ? pick(def.key, def.range, problem) : pick('custom', { from: from!, to: to! });
  }
  const preset = Number(q.get('range'));
  if ((PRESETS as readonly number[]).includes(preset)) return pick(String(preset), lastDays(preset, today));
  return pick(def.key, def.range);
}

/** The URL's query with the range replaced (the other parameters kept): a preset key, or a custom from/to. */
export function withRange(q: URLSearchParams, range: { key: string } | DayRange): string {
  const next = new URLSearchParams(q);
  for (const k of ['range', 'from', 'to']) next.delete(k);
  if ('from' in range) {
    next.set('from', range.from);
    next.set('to', range.to);
  } else if ((PRESETS as readonly number[]).includes(Number(range.key))) next.set('range', range.key);
  return `?${next}`;
}

/** "1 Nov – 30 Nov 2026" (the year once when both days share it). */
export function describeRange(r: DayRange): string {
  const fmt = (day: string, year: boolean) =>
    new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', {
      day: 'numeric',
      month: 'short',
      ...(year ? { year: 'numeric' } : {}),
      timeZone: 'UTC',
    });
  const sameYear = r.from.slice(0, 4) === r.to.slice(0, 4);
  return r.from === r.to ? fmt(r.from, true) : `${fmt(r.from, !sameYear)} – ${fmt(r.to, true)}`;
}
