import { redirect } from '@sveltejs/kit';
import { api } from '$lib/server/api';
import { clearSessionCookie } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

/** Two named actions (SvelteKit refuses a `default` action beside named ones: that was a 500). */
export const actions: Actions = {
  /** This session ends. */
  here: async (event) => {
    await api(event).request('logout');
    clearSessionCookie(event.cookies);
    redirect(303, '/login?ended=here');
  },
  /** Log out everywhere: every session of this user ends. */
  all: async (event) => {
    await api(event).request('logoutAll');
    clearSessionCookie(event.cookies);
    redirect(303, '/login?ended=all');
  },
};
