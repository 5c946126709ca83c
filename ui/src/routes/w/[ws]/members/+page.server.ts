import { RoleSchema } from '@neonhub/schemas';
import { fail, redirect } from '@sveltejs/kit';
import { api, enc } from '$lib/server/api';
import { failWith, guardedActions, orError, text } from '$lib/server/guard';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => orError(await api(event).request('listMembers', { params: { ws: event.params.ws } }));

/** The role picked in a form (the select offers only roles). */
const roleIn = (form: FormData, fallback?: 'member') => RoleSchema.safeParse(text(form, 'role') || fallback).data;

const back = (ws: string, note: string) => redirect(303, `/w/${enc(ws)}/members?done=${enc(note)}`);

export const actions = guardedActions({
  invite: async (event) => {
    const form = await event.request.formData();
    const email = text(form, 'email');
    const role = roleIn(form, 'member');
    if (!email) return fail(400, { error: 'Enter an e-mail address.' });
    if (!role) return fail(400, { error: 'Pick a role from the list.', email });
    const r = await api(event).request('inviteMember', { params: { ws: event.params.ws }, body: { email, role } });
    if (!r.ok) return failWith(r, { email });
    back(event.params.ws, 'member' in r.data ? `${email} added` : `${email} invited`);
  },
  role: async (event) => {
    const form = await event.request.formData();
    const role = roleIn(form);
    if (!role) return fail(400, { error: 'Pick a role from the list.' });
    const r = await api(event).request('setMemberRole', { params: { ws: event.params.ws, userId: text(form, 'userId') }, body: { role } });
    if (!r.ok) return failWith(r);
    back(event.params.ws, 'role changed');
  },
  remove: async (event) => {
    const form = await event.request.formData();
    const r = await api(event).request('removeMember', { params: { ws: event.params.ws, userId: text(form, 'userId') } });
    if (!r.ok) return failWith(r);
    back(event.params.ws, 'member removed');
  },
  cancelInvite: async (event) => {
    const form = await event.request.formData();
    const r = await api(event).request('deleteInvite', { params: { ws: event.params.ws, email: text(form, 'email') } });
    if (!r.ok) return failWith(r);
    back(event.params.ws, 'invite cancelled');
  },
}) satisfies Actions;
