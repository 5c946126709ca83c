import { fail, redirect } from '@sveltejs/kit';
import {
  byDay,
  type CalItem,
  emailItem,
  mondayOf,
  monthGrid,
  monthKey,
  monthRange,
  neighbours,
  parseMonth,
  socialItem,
  weekOf,
} from '$lib/calendar';
import { NETWORKS, TOOLS } from '$lib/capabilities';
import { api, enc } from '$lib/server/api';
import { guardedActions, text } from '$lib/server/guard';
import { callCapability, workspacePlugins } from '$lib/server/plugins';
import type { Actions, PageServerLoad } from './$types';

type SocialEntry = Parameters<typeof socialItem>[0];
type EmailSchedule = Parameters<typeof emailItem>[0];

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
  const plugins = await workspacePlugins(client, ws);
  const enabled = new Set(plugins.ok ? plugins.data.plugins.filter((p) => p.enabled).map((p) => p.id) : []);
  const social = enabled.has(TOOLS.social.plugin);
  const email = enabled.has(TOOLS.email.plugin);
  const range = view === 'week' ? week.range : monthRange(year, month);
  const [s, e] = await Promise.all([
    social ? callCapability<{ entries: SocialEntry[] }>(client, ws, TOOLS.social.calendar, range) : Promise.resolve(null),
    email ? callCapability<{ schedules: EmailSchedule[] }>(client, ws, TOOLS.email.schedules, {}) : Promise.resolve(null),
  ]);
  const items: CalItem[] = [
    ...(s?.output?.entries ?? []).map(socialItem),
    ...(e?.output?.schedules ?? []).filter((x) => x.sendAt >= range.from && x.sendAt <= range.to).map(emailItem),
  ].filter((x): x is CalItem => x !== null);
  const editId = q.get('edit');
  const editing = editId ? (items.find((i) => i.id === editId) ?? null) : null;
  return {
    view,
    grid,
    week,
    nav,
    social,
    email,
    byDay: byDay(items),
    total: items.length,
    editing,
    error: s?.error ?? e?.error ?? null,
  };
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}$/;

/** A date and a time typed in the form, in UTC, as ISO; or null when either is malformed. */
function when(form: FormData): string | null {
  const date = text(form, 'date');
  const time = text(form, 'time') || '09:00';
  if (!DATE.test(date) || !TIME.test(time)) return null;
  const d = new Date(`${date}T${time}:00Z`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
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
  /** A new social post: scheduled for a time, or published now (through governance). */
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
    if (!at) return fail(400, { action: 'create', error: 'Give a date (YYYY-MM-DD) and a time (HH:MM, UTC).', values });
    const client = api(event);
    const s = await callCapability<{ entryId: string }>(client, ws, TOOLS.social.schedule, { network, text: body, scheduledAt: at });
    if (!s.output) return fail(400, { action: 'create', error: s.error ?? 'scheduling failed', code: s.code, values });
    if (!now) redirect(303, back(ws, form, `created=${s.output.entryId}`));
    const p = await callCapability<{ status: string; reason?: string }>(client, ws, TOOLS.social.publish, { entryId: s.output.entryId });
    if (p.error?.startsWith('waiting for approval') || p.output?.status === 'pending_approval')
      redirect(303, back(ws, form, `held=${s.output.entryId}`));
    if (!p.output) return fail(400, { action: 'create', error: `Scheduled, but publishing failed: ${p.error}`, code: p.code, values });
    redirect(303, back(ws, form, `created=${s.output.entryId}`));
  },
  /** Take a scheduled post off the calendar. */
  cancel: async (event) => {
    const form = await event.request.formData();
    const ws = event.params.ws ?? '';
    const entryId = text(form, 'entryId');
    const r = await callCapability(api(event), ws, TOOLS.social.cancel, { entryId });
    if (r.error) return fail(400, { action: 'update', error: r.error, code: r.code, entryId });
    redirect(303, back(ws, form, 'cancelled=1'));
  },
  /** Move (drag and drop, or the editor's date and time) and/or rewrite a scheduled post. */
  update: async (event) => {
    const form = await event.request.formData();
    const ws = event.params.ws ?? '';
    const entryId = text(form, 'entryId');
    const body = text(form, 'text');
    const at = when(form);
    if (!entryId) return fail(400, { action: 'update', error: 'Which post? (entryId missing)' });
    if (!at) return fail(400, { action: 'update', error: 'Give a date (YYYY-MM-DD) and a time (HH:MM, UTC).', entryId });
    const r = await callCapability<{ scheduledAt: string }>(api(event), ws, TOOLS.social.update, {
      entryId,
      scheduledAt: at,
      ...(body ? { text: body } : {}),
    });
    if (!r.output) return fail(400, { action: 'update', error: r.error ?? 'the change failed', code: r.code, entryId });
    redirect(303, back(ws, form, `moved=${enc(entryId)}`));
  },
}) satisfies Actions;
