import { fail, redirect } from '@sveltejs/kit';
import { NETWORKS } from '$lib/runs';
import { api, enc } from '$lib/server/api';
import { failWith, guardedActions, orError, text } from '$lib/server/guard';
import { splitList } from '$lib/server/runs';
import { shellOf } from '$lib/server/shell';
import type { Actions, PageServerLoad } from './$types';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const load: PageServerLoad = async (event) => {
  const [r, { timeZone }] = await Promise.all([
    api(event).request('listRuns', { params: { ws: event.params.ws } }),
    shellOf(event, event.params.ws),
  ]);
  return { runs: orError(r).runs.slice(0, 100), networks: NETWORKS, timeZone };
};

export const actions = guardedActions({
  start: async (event) => {
    const form = await event.request.formData();
    const goal = text(form, 'goal');
    const recipientsText = text(form, 'recipients');
    const networks = form.getAll('networks').filter((n): n is string => typeof n === 'string');
    const values = { goal, recipients: recipientsText, networks };
    if (!goal) return fail(400, { error: 'Say what the run should achieve.', field: 'goal', values });
    const recipients = splitList(recipientsText);
    const bad = recipients.filter((r) => !EMAIL.test(r));
    if (bad.length) return fail(400, { error: `Not an e-mail address: ${bad.join(', ')}`, field: 'recipients', values });
    if (networks.some((n) => !(NETWORKS as readonly string[]).includes(n)))
      return fail(400, { error: 'Pick networks from the list.', field: 'networks', values });
    const picked = networks.filter((n): n is (typeof NETWORKS)[number] => (NETWORKS as readonly string[]).includes(n));
    const params = { ...(recipients.length ? { recipients } : {}), ...(picked.length ? { networks: picked } : {}) };
    const r = await api(event).request('startRun', {
      params: { ws: event.params.ws },
      body: { goal, ...(Object.keys(params).length ? { params } : {}) },
    });
    if (!r.ok) return failWith(r, { values });
    redirect(303, `/w/${enc(event.params.ws)}/runs/${enc(r.data.run.id)}`);
  },
}) satisfies Actions;
