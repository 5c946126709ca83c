import { redirect } from '@sveltejs/kit';
import { api } from '$lib/server/api';
import { clearSessionCookie } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
  default: async (event) => {
    await api(event).request('logout');
    clearSessionCookie(event.cookies);
    redirect(303, '/login');
  },
  /** Log out everywhere: every session of this user ends. */
  all: async (event) => {
    await api(event).request('logoutAll');
    clearSessionCookie(event.cookies);
    redirect(303, '/login?ended=all');
  },
};
