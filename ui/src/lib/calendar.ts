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

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const iso = (d: Date) => d.toISOString().slice(0, 10);

/** The Monday (UTC) of the week holding `day` (`YYYY-MM-DD`, else today). */
export function mondayOf(day: string | null | undefined, now = new Date()): string {
  const m = DAY.exec(day ?? '');
  const d = m
    ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  if (Number.isNaN(d.getTime())) return mondayOf(null, now);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return iso(d);
}

/** `day` plus `n` days, `YYYY-MM-DD`. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return iso(d);
}

/** The seven days of the week starting `monday`, its neighbours and its range (inclusive) as ISO datetimes. */
export function weekOf(monday: string) {
  const days = Array.from({ length: 7 }, (_, i) => addDays(monday, i));
  return {
    days,
    prev: addDays(monday, -7),
    next: addDays(monday, 7),
    range: { from: `${monday}T00:00:00.000Z`, to: new Date(new Date(`${addDays(monday, 7)}T00:00:00Z`).getTime() - 1).toISOString() },
  };
}

/** What the calendar shows: a social post or an e-mail send, in one shape whatever plugin keeps it. */
export type CalStatus = 'scheduled' | 'queued' | 'published' | 'sent' | 'pending_approval' | 'failed';
export interface CalItem {
  id: string;
  kind: 'social' | 'email';
  /** linkedin, x, … or email */
  channel: string;
  at: string;
  status: CalStatus;
  text: string;
  url?: string;
  error?: string;
  /** Whether it can still be moved or edited (a scheduled or failed social post). */
  movable: boolean;
}

export const STATUS_LABEL: Record<CalStatus, string> = {
  scheduled: 'Scheduled',
  queued: 'Sending',
  published: 'Published',
  sent: 'Sent',
  pending_approval: 'Waiting for approval',
  failed: 'Failed',
};

/** A social calendar entry (agent-social's calendar output) as a calendar item. */
export function socialItem(e: {
  entryId: string;
  network: string;
  text: string;
  scheduledAt: string;
  status: 'scheduled' | 'published' | 'queued' | 'pending_approval' | 'failed' | 'cancelled';
  url?: string;
  error?: { code: string; message: string };
}): CalItem | null {
  if (e.status === 'cancelled') return null;
  return {
    id: e.entryId,
    kind: 'social',
    channel: e.network,
    at: e.scheduledAt,
    status: e.status,
    text: e.text,
    ...(e.url ? { url: e.url } : {}),
    ...(e.error ? { error: `${e.error.message} (${e.error.code})` } : {}),
    movable: e.status === 'scheduled' || e.status === 'failed',
  };
}

/** An e-mail schedule (agent-email's list_schedules output) as a calendar item. */
export function emailItem(s: {
  scheduleId: string;
  templateId: string;
  sendAt: string;
  status: string;
  recipients: number;
  sentAt?: string;
}): CalItem {
  const status: CalStatus = s.status === 'sent' ? 'sent' : s.status === 'partial' ? 'failed' : 'scheduled';
  return {
    id: s.scheduleId,
    kind: 'email',
    channel: 'email',
    at: s.sendAt,
    status,
    text: `E-mail to ${s.recipients} recipient${s.recipients === 1 ? '' : 's'}${s.status === 'partial' ? ' (some sends failed)' : ''}`,
    movable: false,
  };
}

/** Items by UTC day (`YYYY-MM-DD`), each day in time order. */
export function byDay(items: CalItem[]): Record<string, CalItem[]> {
  const out: Record<string, CalItem[]> = {};
  for (const it of [...items].sort((a, b) => a.at.localeCompare(b.at))) {
    const day = it.at.slice(0, 10);
    out[day] = [...(out[day] ?? []), it];
  }
  return out;
}
