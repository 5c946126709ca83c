import { fail, redirect } from '@sveltejs/kit';
import { api, enc } from '$lib/server/api';
import { requireUser, text } from '$lib/server/guard';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
  requireUser(event.locals, event.url);
  return {};
};

export const actions: Actions = {
  createWorkspace: async (event) => {
    requireUser(event.locals, event.url);
    const form = await event.request.formData();
    const slug = text(form, 'slug').toLowerCase();
    const name = text(form, 'name') || slug;
    const r = await api(event).request('createWorkspace', { body: { slug, name } });
    if (!r.ok) return fail(r.status, { slug, name, error: r.error.message, code: r.error.code });
    redirect(303, `/w/${enc(r.data.workspace.slug)}/plugins`);
  },
};
