import { fail, redirect } from '@sveltejs/kit';
import { api, enc } from '$lib/server/api';
import { failWith, orError, text } from '$lib/server/guard';
import type { Actions, PageServerLoad } from './$types';

type Member = { userId: string; email: string; name: string; role: string; since: string };
type Invite = { email: string; role: string; createdAt: string };

export const load: PageServerLoad = async (event) =>
  orError(await api(event).get<{ members: Member[]; invites: Invite[] }>(`/api/workspaces/${enc(event.params.ws)}/members`));

const back = (ws: string, note: string) => redirect(303, `/w/${enc(ws)}/members?done=${enc(note)}`);

export const actions: Actions = {
  invite: async (event) => {
    const form = await event.request.formData();
    const email = text(form, 'email');
    const role = text(form, 'role') || 'member';
    if (!email) return fail(400, { error: 'Enter an e-mail address.' });
    const r = await api(event).post<{ member?: unknown; invite?: unknown }>(`/api/workspaces/${enc(event.params.ws)}/members`, {
      email,
      role,
    });
    if (!r.ok) return failWith(r, { email });
    back(event.params.ws, r.data.member ? `${email} added` : `${email} invited`);
  },
  role: async (event) => {
    const form = await event.request.formData();
    const r = await api(event).patch(`/api/workspaces/${enc(event.params.ws)}/members/${enc(text(form, 'userId'))}`, {
      role: text(form, 'role'),
    });
    if (!r.ok) return failWith(r);
    back(event.params.ws, 'role changed');
  },
  remove: async (event) => {
    const form = await event.request.formData();
    const r = await api(event).del(`/api/workspaces/${enc(event.params.ws)}/members/${enc(text(form, 'userId'))}`);
    if (!r.ok) return failWith(r);
    back(event.params.ws, 'member removed');
  },
  cancelInvite: async (event) => {
    const form = await event.request.formData();
    const r = await api(event).del(`/api/workspaces/${enc(event.params.ws)}/invites/${enc(text(form, 'email'))}`);
    if (!r.ok) return failWith(r);
    back(event.params.ws, 'invite cancelled');
  },
};
