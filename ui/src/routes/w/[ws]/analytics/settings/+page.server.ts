import { fail } from '@sveltejs/kit';
import { keptSettings, parseLearningForm, parseMetricsForm, type SettingsFormName } from '$lib/learning';
import { atLeast } from '$lib/nav';
import { api } from '$lib/server/api';
import { failWith, guardedActions, orError, requireWorkspace } from '$lib/server/guard';
import { shellOf } from '$lib/server/shell';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const ws = requireWorkspace(event.locals, event.params.ws);
  const [settings, { timeZone }] = await Promise.all([
    api(event)
      .request('getResultsSettings', { params: { ws: ws.slug } })
      .then(orError),
    shellOf(event, ws.slug),
  ]);
  /** The moment the page was read: "runs next in 3 h" says the same on the server and in the browser. */
  return { settings, timeZone, now: Date.now() };
};

type SaveEvent = Parameters<Actions[string]>[0];

/**
 * Saves one form of the page (admins: the host refuses anyone else with 403), its fields parsed by `parse`. A refusal
 * carries what was sent (`kept`), so the page shows it beside the error instead of the saved values.
 */
async function save(event: SaveEvent, parse: typeof parseLearningForm, saved: SettingsFormName) {
  const ws = requireWorkspace(event.locals, event.params.ws ?? '');
  const data = await event.request.formData();
  const kept = keptSettings(data, saved);
  if (!atLeast(ws.role, 'admin'))
    return fail(403, { error: 'Only an owner or admin of this workspace changes these settings.', code: 'NH_AUTH_FORBIDDEN', kept });
  const parsed = parse(data);
  if (!parsed.ok) return fail(400, { error: parsed.error, field: parsed.field, kept });
  const r = await api(event).request('saveResultsSettings', { params: { ws: ws.slug }, body: parsed.body });
  if (!r.ok) return failWith(r, { kept });
  return { saved };
}

export const actions = guardedActions({
  /** How the workspace learns from its results. */
  saveLearning: (event) => save(event, parseLearningForm, 'learning'),
  /** How the social networks' figures are pulled. */
  saveMetrics: (event) => save(event, parseMetricsForm, 'metrics'),
}) satisfies Actions;
