import { fail, redirect } from '@sveltejs/kit';
import { api } from '$lib/server/api';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => ({ token: url.searchParams.get('token') ?? '' });

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const token = String(form.get('token') ?? '');
    const password = String(form.get('password') ?? '');
    const confirm = String(form.get('confirm') ?? '');
    if (!token) return fail(400, { error: 'This page needs the link from the e-mail; ask for a new one.', code: 'NH_AUTH_LINK_INVALID' });
    if (password.length < 10) return fail(400, { error: 'Choose a password of at least 10 characters.' });
    if (password !== confirm) return fail(400, { error: 'The two passwords differ.' });
    const r = await api(event, null).request('passwordResetConfirm', { body: { token, password } });
    if (!r.ok) return fail(r.status >= 500 ? 502 : r.status, { error: r.error.message, code: r.error.code });
    redirect(303, '/login?reset=done');
  },
};
