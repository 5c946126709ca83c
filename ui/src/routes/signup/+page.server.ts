import { fail, redirect } from '@sveltejs/kit';
import { api } from '$lib/server/api';
import { text } from '$lib/server/guard';
import { setSessionCookie } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
  if (locals.user) redirect(303, '/');
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const email = text(form, 'email');
    const name = text(form, 'name');
    const password = String(form.get('password') ?? '');
    if (password.length < 10) return fail(400, { email, name, error: 'Choose a password of at least 10 characters.' });
    const r = await api(event, null).request('signup', { body: { email, password, name } });
    if (!r.ok) return fail(r.status, { email, name, error: r.error.message, code: r.error.code });
    setSessionCookie(event.cookies, r.data.session.token, r.data.session.expiresAt);
    redirect(303, '/');
  },
};
