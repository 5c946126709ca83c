import { fail } from '@sveltejs/kit';
import { api } from '$lib/server/api';
import type { Actions, PageServerLoad } from './$types';

// Confirming is a form action, not the page load: mail scanners that open links must not spend the token.
export const load: PageServerLoad = ({ url }) => ({ token: url.searchParams.get('token') ?? '' });

export const actions: Actions = {
  confirm: async (event) => {
    const form = await event.request.formData();
    const token = String(form.get('token') ?? '');
    if (!token) return fail(400, { error: 'This page needs the link from the e-mail.', code: 'NH_AUTH_LINK_INVALID' });
    const r = await api(event, null).request('verifyEmailConfirm', { body: { token } });
    if (!r.ok) return fail(r.status >= 500 ? 502 : r.status, { error: r.error.message, code: r.error.code });
    return { verified: true, email: r.data.email };
  },
  resend: async (event) => {
    if (!event.locals.user) return fail(401, { error: 'Log in to ask for a new link.', code: 'NH_AUTH_REQUIRED' });
    const r = await api(event).request('verifyEmail');
    if (!r.ok) return fail(r.status >= 500 ? 502 : r.status, { error: r.error.message, code: r.error.code });
    return { resent: true };
  },
};
