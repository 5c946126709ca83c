import { redirect } from '@sveltejs/kit';
import { THEME_COOKIE } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
  default: async ({ request, cookies }) => {
    const theme = String((await request.formData()).get('theme'));
    cookies.set(THEME_COOKIE, ['dark', 'light', 'system'].includes(theme) ? theme : 'system', {
      path: '/',
      httpOnly: false,
      sameSite: 'lax',
      maxAge: 60 * 60 * 24 * 365,
    });
    const back = request.headers.get('referer');
    let to = '/';
    try {
      if (back) {
        const u = new URL(back);
        if (u.origin === new URL(request.url).origin) to = u.pathname + u.search;
      }
    } catch {
      to = '/';
    }
    redirect(303, to);
  },
};
