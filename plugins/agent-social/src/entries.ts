import type { ToolContext } from '@neonhub/sdk';
import { socialErrors } from './errors.js';
import { CALENDAR, type CalendarEntry, calendarKey, ENTRY_INDEX } from './model.js';

/** An entry and its current store key. */
export async function loadEntry(ctx: ToolContext, entryId: string): Promise<{ key: string; entry: CalendarEntry }> {
  const key = await ctx.store.get<string>(ENTRY_INDEX, entryId);
  const entry = key ? await ctx.store.get<CalendarEntry>(CALENDAR, key.value) : undefined;
  if (!key || !entry)
    throw socialErrors.create('NH_SOCIAL_ENTRY_NOT_FOUND', `no calendar entry ${entryId} in this workspace`, { details: { entryId } });
  return { key: key.value, entry: entry.value };
}

/** Writes an entry under its time key (moving it when its time changed). */
export async function saveEntry(ctx: ToolContext, entry: CalendarEntry, previousKey?: string): Promise<void> {
  const key = calendarKey(entry);
  await ctx.store.put(CALENDAR, key, entry);
  if (previousKey !== undefined && previousKey !== key) await ctx.store.delete(CALENDAR, previousKey);
  await ctx.store.put(ENTRY_INDEX, entry.entryId, key);
}

/**
 * The entry as the calendar shows it: the host's scheduler holds its time and whether it was cancelled or failed
 * (it may have been moved or cancelled from the console's calendar since the entry was stored).
 */
export async function withSchedule(ctx: ToolContext, entry: CalendarEntry): Promise<CalendarEntry> {
  const s = await ctx.scheduler?.get(entry.entryId);
  if (!s) return entry;
  const held = entry.status === 'published' || entry.status === 'pending_approval' || entry.status === 'queued';
  const status = held ? entry.status : s.status === 'cancelled' ? 'cancelled' : s.status === 'failed' ? 'failed' : 'scheduled';
  const { error: _previous, ...rest } = entry;
  return {
    ...rest,
    scheduledAt: s.runAt,
    status,
    ...(status === 'failed' && s.error ? { error: s.error } : entry.error && held ? { error: entry.error } : {}),
  };
}

/** True when `at` carries a UTC offset (a local time needs the workspace's time zone, i.e. the host's scheduler). */
export const hasOffset = (at: string) => /(?:Z|[+-]\d\d:\d\d)$/i.test(at);
