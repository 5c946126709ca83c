import { fail, redirect } from '@sveltejs/kit';
import { api, enc } from '$lib/server/api';
import { requireUser, text } from '$lib/server/guard';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireUser(event.locals, event.url);
  const client = api(event);
  const [health, ...calls] = await Promise.all([
    client.request('health'),
    ...event.locals.workspaces.slice(0, 8).map(async (w) => {
      const r = await client.request('listCalls', { params: { ws: w.slug }, query: { limit: 5 } });
      return r.ok ? r.data.calls.map((c) => ({ ...c, workspace: w.slug })) : [];
    }),
  ]);
  const recent = calls
    .flat()
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, 8);
  return { health: health.ok ? health.data : null, recent };
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
