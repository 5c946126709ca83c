/** A month as weeks of days (Monday first), in UTC; days outside the month are null. */
export function monthGrid(month: string): { year: number; month: number; weeks: (string | null)[][] } {
  const { year, month: m } = parseMonth(month);
  const first = new Date(Date.UTC(year, m - 1, 1));
  const days = new Date(Date.UTC(year, m, 0)).getUTCDate();
  const lead = (first.getUTCDay() + 6) % 7; // Monday = 0
  const cells: (string | null)[] = Array.from({ length: lead }, () => null);
  for (let d = 1; d <= days; d++) cells.push(`${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  while (cells.length % 7) cells.push(null);
  const weeks: (string | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return { year, month: m, weeks };
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `YYYY-MM` (else the current UTC month) as numbers. */
export function parseMonth(month: string | null | undefined, now = new Date()): { year: number; month: number } {
  const m = MONTH.exec(month ?? '');
  if (m) return { year: Number(m[1]), month: Number(m[2]) };
  return { year: now.getUTCFullYear(), month: now.getUTCMonth() + 1 };
}

export const monthKey = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;

/** The previous and next months of `YYYY-MM`. */
export function neighbours(year: number, month: number) {
  const prev = month === 1 ? monthKey(year - 1, 12) : monthKey(year, month - 1);
  const next = month === 12 ? monthKey(year + 1, 1) : monthKey(year, month + 1);
  return { prev, next };
}

/** The month's range as ISO datetimes for agent-social:calendar (inclusive). */
export function monthRange(year: number, month: number) {
  return {
    from: new Date(Date.UTC(year, month - 1, 1)).toISOString(),
    to: new Date(Date.UTC(year, month, 1) - 1).toISOString(),
  };
}
