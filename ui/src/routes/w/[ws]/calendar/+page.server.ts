import { monthGrid, monthKey, monthRange, neighbours, parseMonth } from '$lib/calendar';
import { api } from '$lib/server/api';
import { callCapability, isEnabled } from '$lib/server/plugins';
import type { PageServerLoad } from './$types';

export interface CalendarEntry {
  entryId: string;
  network: string;
  text: string;
  scheduledAt: string;
  status: 'scheduled' | 'published' | 'pending_approval' | 'failed';
  url?: string;
  campaignId?: string;
  error?: { code: string; message: string };
}

export const load: PageServerLoad = async (event) => {
  const { year, month } = parseMonth(event.url.searchParams.get('month'));
  const key = monthKey(year, month);
  const grid = monthGrid(key);
  const nav = {
    ...neighbours(year, month),
    current: key,
    label: new Date(Date.UTC(year, month - 1, 1)).toLocaleString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
  };
  const client = api(event);
  if (!(await isEnabled(client, event.params.ws, 'agent-social')))
    return { enabled: false, grid, nav, byDay: {} as Record<string, CalendarEntry[]>, total: 0, error: null };
  const r = await callCapability<{ entries: CalendarEntry[] }>(client, event.params.ws, 'agent-social:calendar', monthRange(year, month));
  const byDay: Record<string, CalendarEntry[]> = {};
  for (const e of r.output?.entries ?? []) {
    const day = e.scheduledAt.slice(0, 10);
    byDay[day] = [...(byDay[day] ?? []), e];
  }
  return { enabled: true, grid, nav, byDay, total: r.output?.entries.length ?? 0, error: r.error ?? null };
};
