import { fail, redirect } from '@sveltejs/kit';
import {
  addDays,
  byDay,
  type CalItem,
  localParts,
  mondayOf,
  monthGrid,
  monthKey,
  monthRange,
  neighbours,
  outboxItem,
  parseMonth,
  scheduleItem,
  weekOf,
} from '$lib/calendar';
import { channelTools, NETWORKS } from '$lib/capabilities';
import { type Api, api, enc } from '$lib/server/api';
import { guardedActions, text } from '$lib/server/guard';
import { callContract } from '$lib/server/plugins';
import { shellOf } from '$lib/server/shell';
import type { Actions, PageServerLoad } from './$types';

/**
 * The calendar: every scheduled item of the workspace (the /schedules API: posts, e-mails, any scheduled call) and the
 * e-mails and posts that went out without a schedule (the outbox), placed on the days and at the times of the
 * workspace's time zone. No agent tool is called to read it.
 */
export const load: PageServerLoad = async (event) => {
  const q = event.url.searchParams;
  const view = q.get('view') === 'week' ? 'week' : 'month';
  const { year, month } = parseMonth(q.get('month') ?? q.get('week')?.slice(0, 7));
  const key = monthKey(year, month);
  const grid = monthGrid(key);
  const week = weekOf(mondayOf(q.get('week') ?? (q.get('month') ? `${key}-01` : null)));
  const nav = {
    ...neighbours(year, month),
    current: key,
    label: new Date(Date.UTC(year, month - 1, 1)).toLocaleString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
  };
  const client = api(event);
  const ws = event.params.ws;
  const range = view === 'week' ? week.range : monthRange(year, month);
  // a day either side: the days shown are the workspace's local days, up to 14 h off UTC's
  const wide = { from: `${addDays(range.from.slice(0, 10), -1)}T00:00:00.000Z`, to: `${addDays(range.to.slice(0, 10), 1)}T23:59:59.999Z` };
  const [{ plugins: all, contracts }, sched, outbox] = await Promise.all([
    shellOf(event, ws),
    client.request('listSchedules', { params: { ws }, query: wide }),
    client.request('listOutbox', { params: { ws }, query: { limit: 200 } }),
  ]);
  // posts are put on the calendar through the calendar contract's provider (the social agent as shipped); e-mails
  // reach it when a connector delivers the e-mail channel
  const social = contracts.calendar !== null;
  const email = (channelTools(all.filter((p) => p.enabled)).email ?? []).length > 0;
  const timeZone = sched.ok ? sched.data.timeZone : 'UTC';
  const shown = new Set(view === 'week' ? week.days : grid.weeks.flat().filter((d): d is string => d !== null));
  const pluginName = (id: string) => all.find((p) => p.id === id)?.name ?? id;
  const items: CalItem[] = [
    ...(sched.ok ? sched.data.schedules : []).map((x) => scheduleItem(x, timeZone)),
    ...(outbox.ok ? outbox.data.messages : []).map((m) => outboxItem(m, timeZone, pluginName)),
  ].filter((x): x is CalItem => x !== null && shown.has(x.day));
  const editId = q.get('edit');
  const editing = editId ? (items.find((i) => i.id === editId) ?? null) : null;
  return {
    view,
    grid,
    week,
    nav,
    social,
    email,
    timeZone,
    today: localParts(new Date().toISOString(), timeZone).day,
    byDay: byDay(items),
    total: items.length,
    editing,
    error: sched.ok ? (outbox.ok ? null : outbox.error.message) : sched.error.message,
  };
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}$/;

/** A date and a time typed in the form: a local time (`YYYY-MM-DDTHH:MM`) the host reads in the workspace's zone. */
function when(form: FormData): string | null {
  const date = text(form, 'date');
  const time = text(form, 'time') || '09:00';
  if (!DATE.test(date) || !TIME.test(time)) return null;
  return Number.isNaN(Date.parse(`${date}T${time}:00Z`)) ? null : `${date}T${time}`;
}

/** The schedule's status once the host has fired it (a post published now), or its last status after `ms`. */
async function settled(client: Api, ws: string, id: string, ms = 10_000): Promise<{ status: string; error?: string }> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await client.request('getSchedule', { params: { ws, id } });
    const s = r.ok ? r.data.schedule : null;
    if (!s) return { status: 'unknown', error: r.ok ? undefined : r.error.message };
    if ((s.status !== 'scheduled' && s.status !== 'running') || Date.now() > end)
      return { status: s.status, ...(s.error ? { error: s.error.message } : {}) };
    await new Promise((done) => setTimeout(done, 250));
  }
}

/** Back to the view the marketer was on (the form carries it), without the editor open. */
const back = (ws: string, form: FormData, extra: string) => {
  const ret = text(form, 'return');
  const qs = ret.startsWith('?') ? new URLSearchParams(ret) : new URLSearchParams();
  qs.delete('edit');
  qs.delete('created');
  qs.delete('moved');
  qs.delete('held');
  qs.delete('cancelled');
  for (const [k, v] of new URLSearchParams(extra)) qs.set(k, v);
  return `/w/${enc(ws)}/calendar?${qs}`;
};

export const actions = guardedActions({
  /** A new post on the calendar (through the calendar API: the social agent's checks, governance): at a time, or now. */
  create: async (event) => {
    const form = await event.request.formData();
    const ws = event.params.ws ?? '';
    const network = text(form, 'network');
    const body = text(form, 'text');
    const now = text(form, 'publish') === 'now';
    const values = { network, text: body, date: text(form, 'date'), time: text(form, 'time'), publish: now ? 'now' : 'schedule' };
    if (!(NETWORKS as readonly string[]).includes(network)) return fail(400, { action: 'create', error: 'Choose a network.', values });
    if (!body) return fail(400, { action: 'create', error: 'Write the post first.', values });
    const at = now ? new Date().toISOString() : when(form);
    if (!at) return fail(400, { action: 'create', error: 'Give a date (YYYY-MM-DD) and a time (HH:MM).', values });
    const client = api(event);
    const r = await client.request('createCalendarPost', { params: { ws }, body: { network, text: body, scheduledAt: at } });
    if (!r.ok) {
      if (r.error.code === 'NH_SCHEDULE_HELD') redirect(303, back(ws, form, 'held=1'));
      return fail(r.status >= 500 ? 502 : 400, { action: 'create', error: r.error.message, code: r.error.code, values });
    }
    const id = r.data.schedule.id;
    if (!now) redirect(303, back(ws, form, `created=${enc(id)}`));
    // published now: the host fires it at once; say what became of it (held for approval, failed, published)
    const s = await settled(client, ws, id);
    if (s.status === 'pending_approval') redirect(303, back(ws, form, `held=${enc(id)}`));
    if (s.status === 'failed')
      return fail(400, { action: 'create', error: `It could not be published: ${s.error ?? 'it failed'}`, values });
    redirect(303, back(ws, form, `created=${enc(id)}`));
  },
  /** Take a scheduled item off the calendar: it never runs. */
  cancel: async (event) => {
    const form = await event.request.formData();
    const ws = event.params.ws ?? '';
    const id = text(form, 'id');
    const r = await api(event).request('cancelSchedule', { params: { ws, id } });
    if (!r.ok) return fail(r.status >= 500 ? 502 : 400, { action: 'update', error: r.error.message, code: r.error.code, id });
    redirect(303, back(ws, form, 'cancelled=1'));
  },
  /** Move (drag and drop, the editor's date and time, a day earlier or later) and/or rewrite a scheduled post. */
  update: async (event) => {
    const form = await event.request.formData();
    const ws = event.params.ws ?? '';
    const id = text(form, 'id');
    const key = text(form, 'key');
    const body = text(form, 'text');
    const at = when(form);
    if (!id) return fail(400, { action: 'update', error: 'Which post? (id missing)' });
    if (!at) return fail(400, { action: 'update', error: 'Give a date (YYYY-MM-DD) and a time (HH:MM).', id });
    const client = api(event);
    if (body && key && body !== text(form, 'original')) {
      // a new text is the post's own (the agent that owns it checks the network's limits), registered at the time given
      const t = await callContract(client, ws, 'calendar', 'update_entry', { entryId: key, text: body, scheduledAt: at });
      if (t.error) return fail(400, { action: 'update', error: t.error, code: t.code, id });
    } else if (at !== text(form, 'was')) {
      const r = await client.request('moveSchedule', { params: { ws, id }, body: { runAt: at } });
      if (!r.ok) return fail(r.status >= 500 ? 502 : 400, { action: 'update', error: r.error.message, code: r.error.code, id });
    }
    redirect(303, back(ws, form, `moved=${enc(id)}`));
  },
}) satisfies Actions;
