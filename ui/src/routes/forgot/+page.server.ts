import { fail } from '@sveltejs/kit';
import { api } from '$lib/server/api';
import { text } from '$lib/server/guard';
import type { Actions } from './$types';

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const email = text(form, 'email');
    if (!email) return fail(400, { email, error: 'Enter the e-mail of your account.' });
    const r = await api(event, null).request('passwordReset', { body: { email } });
    if (!r.ok) return fail(r.status >= 500 ? 502 : r.status, { email, error: r.error.message, code: r.error.code });
    // The same answer whether or not the account exists.
    return { sent: true, email };
  },
};
