import { isTimeZone } from '@neonhub/schemas';
import { scheduleErrors } from '@neonhub/sdk/host';
import { Temporal } from 'temporal-polyfill';

/** Where the scheduler reads the time (tests inject one that runs ahead; docs/schedules.md). */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

const OFFSET = /(?:Z|[+-]\d\d:\d\d)$/i;

/**
 * The instant a schedule time names: ISO 8601 with an offset as it is; a local date-time (`2027-03-29T09:00`) in
 * `timeZone`, by the IANA rules for that date. A local time skipped by a DST change (02:30 on the spring-forward
 * night) runs at the same wall-clock distance after it (03:30); one that happens twice (the autumn night) runs
 * at the first (`compatible`, as calendars do).
 */
export function resolveInstant(runAt: string, timeZone: string): Date {
  if (!isTimeZone(timeZone))
    throw scheduleErrors.create('NH_SCHEDULE_TIME_INVALID', `${timeZone} is not an IANA time zone (e.g. Europe/Paris)`, {
      details: { timeZone },
    });
  try {
    if (OFFSET.test(runAt)) return new Date(Temporal.Instant.from(runAt).epochMilliseconds);
    const zoned = Temporal.PlainDateTime.from(runAt).toZonedDateTime(timeZone, { disambiguation: 'compatible' });
    return new Date(zoned.epochMilliseconds);
  } catch (cause) {
    throw scheduleErrors.create('NH_SCHEDULE_TIME_INVALID', `${runAt} is not an ISO 8601 date-time`, { details: { runAt }, cause });
  }
}

/** The wall-clock time of an instant in a zone, `2027-03-29T09:00:00+02:00` (for people: the CLI, logs). */
export function localTime(at: Date | string, timeZone: string): string {
  const instant = Temporal.Instant.fromEpochMilliseconds(new Date(at).getTime());
  return instant.toZonedDateTimeISO(timeZone).toString({ timeZoneName: 'never', smallestUnit: 'second' });
}
