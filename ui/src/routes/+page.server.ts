import { fail, redirect } from '@sveltejs/kit';
import { api, enc } from '$lib/server/api';
import { requireUser, text } from '$lib/server/guard';
import type { Actions, PageServerLoad } from './$types';

type Health = { status: string; plugins: { id: string; status: string }[]; problems: { plugin: string; code: string; message: string }[] };
type Call = {
  callId: string;
  pluginId: string;
  tool: string;
  status: string;
  durationMs: number | null;
  createdAt: string;
  actor: { type: string; id: string };
};

export const load: PageServerLoad = async (event) => {
  requireUser(event.locals, event.url);
  const client = api(event);
  const [health, ...calls] = await Promise.all([
    client.get<Health>('/health'),
    ...event.locals.workspaces.slice(0, 8).map(async (w) => {
      const r = await client.get<{ calls: Call[] }>(`/api/workspaces/${enc(w.slug)}/calls?limit=5`);
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
    const r = await api(event).post<{ workspace: { slug: string } }>('/api/workspaces', { slug, name });
    if (!r.ok) return fail(r.status, { slug, name, error: r.error.message, code: r.error.code });
    redirect(303, `/w/${enc(r.data.workspace.slug)}/plugins`);
  },
};
