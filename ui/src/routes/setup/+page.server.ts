import { fail, redirect } from '@sveltejs/kit';
import { api } from '$lib/server/api';
import { text } from '$lib/server/guard';
import { setSessionCookie } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

/** The one-time first-owner setup: `neonhub start` prints `/setup?token=…` on a fresh install. */
export const load: PageServerLoad = ({ locals, url }) => {
  if (locals.user) redirect(303, '/');
  return { token: url.searchParams.get('token') ?? '' };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const token = text(form, 'token');
    const email = text(form, 'email');
    const name = text(form, 'name');
    const password = String(form.get('password') ?? '');
    if (!token) return fail(400, { email, name, error: 'Open the setup link that `neonhub start` printed.' });
    if (password.length < 10) return fail(400, { email, name, error: 'Choose a password of at least 10 characters.' });
    const r = await api(event, null).request('setupFirstOwner', { body: { token, email, password, ...(name ? { name } : {}) } });
    if (!r.ok) return fail(r.status, { email, name, error: r.error.message, code: r.error.code });
    setSessionCookie(event.cookies, r.data.session.token, r.data.session.expiresAt);
    redirect(303, r.data.owns[0] ? `/w/${encodeURIComponent(r.data.owns[0])}` : '/');
  },
};
