import { redirect } from '@sveltejs/kit';
import { api, enc } from '$lib/server/api';
import { failWith, orError, text } from '$lib/server/guard';
import { shellOf } from '$lib/server/shell';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const shell = await shellOf(event, event.params.ws);
  if (shell.error) orError(shell.error);
  return { plugins: shell.plugins };
};

const toggle = (verb: 'enable' | 'disable') => async (event: Parameters<Actions[string]>[0]) => {
  const id = text(await event.request.formData(), 'plugin');
  const params = { ws: event.params.ws ?? '', id };
  const r = await api(event).request(verb === 'enable' ? 'enablePlugin' : 'disablePlugin', { params });
  if (!r.ok) return failWith(r, { plugin: id });
  redirect(303, `/w/${enc(event.params.ws ?? '')}/plugins#plugin-${id}`);
};

export const actions: Actions = { enable: toggle('enable'), disable: toggle('disable') };
