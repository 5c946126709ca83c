import { WEEKDAYS } from '../config.js';

/** The date (YYYY-MM-DD) and weekday it is now in a time zone (UTC when none is given). */
function localToday(now: Date, timeZone: string | undefined): { date: string; weekday: number; minutes: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: timeZone ?? 'UTC',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  return { date, weekday: new Date(`${date}T00:00:00Z`).getUTCDay(), minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

const plusDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * The next local date-time (`YYYY-MM-DDTHH:MM`, read by the scheduler in `timeZone`) that falls on `day` at `time`,
 * strictly after now: today when that time is still ahead, else the coming week.
 */
export function nextDigestTime(
  now: Date,
  day: (typeof WEEKDAYS)[number],
  time: string,
  timeZone?: string,
): { date: string; runAt: string } {
  const today = localToday(now, timeZone);
  const target = WEEKDAYS.indexOf(day);
  const [h, m] = time.split(':').map(Number) as [number, number];
  let ahead = (target - today.weekday + 7) % 7;
  if (ahead === 0 && h * 60 + m <= today.minutes) ahead = 7;
  const date = plusDays(today.date, ahead);
  return { date, runAt: `${date}T${time}` };
}
