import { fail, redirect } from '@sveltejs/kit';
import { api } from '$lib/server/api';
import { text } from '$lib/server/guard';
import { setSessionCookie } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

const safeNext = (next: string | null) => (next?.startsWith('/') && !next.startsWith('//') ? next : '/');

export const load: PageServerLoad = async (event) => {
  if (event.locals.user) redirect(303, safeNext(event.url.searchParams.get('next')));
  const providers = await api(event, null).request('providers');
  return {
    github: providers.ok && providers.data.github,
    ended: event.url.searchParams.get('ended'),
    reset: event.url.searchParams.get('reset') === 'done',
  };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const email = text(form, 'email');
    const password = String(form.get('password') ?? '');
    if (!email || !password) return fail(400, { email, error: 'Enter your e-mail and password.' });
    const r = await api(event, null).request('login', { body: { email, password } });
    if (!r.ok) return fail(r.status, { email, error: r.error.message, code: r.error.code });
    setSessionCookie(event.cookies, r.data.session.token, r.data.session.expiresAt);
    redirect(303, safeNext(event.url.searchParams.get('next')));
  },
};
