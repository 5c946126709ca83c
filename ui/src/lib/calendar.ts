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

/** An instant's date and time of day in a time zone (IANA), as `YYYY-MM-DD` and `HH:MM`. */
export function localParts(iso: string, timeZone: string): { day: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return { day: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** What the calendar shows: a scheduled item (any channel) or a send that went out without a schedule, in one shape. */
export type CalStatus = 'scheduled' | 'queued' | 'published' | 'sent' | 'pending_approval' | 'failed';
export interface CalItem {
  /** The schedule's id (moved and cancelled through the /schedules API), or the outbox message's. */
  id: string;
  /** The owning plugin's own id for it (the calendar entry id of a post), for changing its text. */
  key?: string;
  kind: 'social' | 'email' | 'other';
  /** linkedin, x, … or email */
  channel: string;
  at: string;
  /** `at` in the workspace's time zone: the day it is shown on and its time of day. */
  day: string;
  time: string;
  status: CalStatus;
  text: string;
  url?: string;
  error?: string;
  /** Whether it can still be moved or edited (a scheduled or failed post). */
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

/** The fields of a schedule (the /schedules API's ScheduledCall) the calendar reads. */
interface ScheduleLike {
  id: string;
  key: string;
  channel: string;
  network?: string | undefined;
  title: string;
  runAt: string;
  status: string;
  error?: { code: string; message: string } | undefined;
}

const SCHEDULE_STATUS: Record<string, CalStatus> = {
  scheduled: 'scheduled',
  running: 'queued',
  queued: 'queued',
  sent: 'sent',
  published: 'published',
  done: 'sent',
  partial: 'failed',
  pending_approval: 'pending_approval',
  failed: 'failed',
};

/** A schedule as a calendar item, placed in `timeZone`; none for a cancelled one. */
export function scheduleItem(s: ScheduleLike, timeZone: string): CalItem | null {
  const status = SCHEDULE_STATUS[s.status];
  if (!status) return null;
  const kind = s.channel === 'social' ? 'social' : s.channel === 'email' ? 'email' : 'other';
  return {
    id: s.id,
    key: s.key,
    kind,
    channel: kind === 'social' ? (s.network ?? 'social') : s.channel,
    at: s.runAt,
    ...localParts(s.runAt, timeZone),
    status,
    text: s.status === 'partial' ? `${s.title} (some sends were skipped or held)` : s.title,
    ...(s.error ? { error: `${s.error.message} (${s.error.code})` } : {}),
    // posts move and change on the calendar; an e-mail send is changed from the e-mail agent
    movable: kind === 'social' && (status === 'scheduled' || status === 'failed'),
  };
}

/** The fields of an outbox message the calendar reads. */
interface OutboxLike {
  id: string;
  plugin: string;
  idempotencyKey: string;
  channel: string | null;
  /** The network a post went to (linkedin, x, …), when the outbox knows it. */
  network?: string | null;
  status: string;
  recipients: string[];
  lastError: { code: string; message: string } | null;
  createdAt: string;
  deliveredAt: string | null;
}

/**
 * A send that went out (or is going) without a schedule — an e-mail or a post a run or a person sent at once — as a
 * calendar item; none for one a schedule made (the schedule shows it), for a notification, or for another channel.
 */
export function outboxItem(m: OutboxLike, timeZone: string, pluginName: (id: string) => string): CalItem | null {
  if (m.channel !== 'email' && m.channel !== 'social') return null;
  if (m.idempotencyKey.startsWith('schedule:') || m.idempotencyKey.startsWith('notify:') || m.status === 'cancelled') return null;
  const at = m.deliveredAt ?? m.createdAt;
  const status: CalStatus =
    m.status === 'delivered' ? (m.channel === 'email' ? 'sent' : 'published') : m.status === 'dead' ? 'failed' : 'queued';
  const n = m.recipients.length;
  return {
    id: m.id,
    kind: m.channel,
    channel: m.channel === 'email' ? 'email' : (m.network ?? 'social'),
    at,
    ...localParts(at, timeZone),
    status,
    text:
      m.channel === 'email'
        ? `E-mail to ${n} recipient${n === 1 ? '' : 's'}${n ? ` (${m.recipients.slice(0, 2).join(', ')}${n > 2 ? ', …' : ''})` : ''}`
        : `Post sent through ${pluginName(m.plugin)}`,
    ...(m.lastError ? { error: `${m.lastError.message} (${m.lastError.code})` } : {}),
    movable: false,
  };
}

/** Items by their local day (`YYYY-MM-DD`), each day in time order. */
export function byDay(items: CalItem[]): Record<string, CalItem[]> {
  const out: Record<string, CalItem[]> = {};
  for (const it of [...items].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id)))
    out[it.day] = [...(out[it.day] ?? []), it];
  return out;
}
