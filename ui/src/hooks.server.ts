import type { Handle } from '@sveltejs/kit';
import { api } from '$lib/server/api';
import { clearSessionCookie, SESSION_COOKIE, THEME_COOKIE } from '$lib/server/session';

/** Resolves the session (through the host API) once per request; pages read `locals`. */
export const handle: Handle = async ({ event, resolve }) => {
  const theme = event.cookies.get(THEME_COOKIE);
  event.locals.theme = theme === 'light' || theme === 'dark' ? theme : 'system';
  event.locals.user = null;
  event.locals.sessionToken = null;
  event.locals.workspaces = [];

  const token = event.cookies.get(SESSION_COOKIE);
  if (token) {
    const me = await api(event, token).request('me');
    if (me.ok) {
      event.locals.user = me.data.user;
      event.locals.sessionToken = token;
      event.locals.workspaces = me.data.workspaces;
    } else if (me.status === 401) {
      clearSessionCookie(event.cookies);
    }
  }

  const response = await resolve(event, { transformPageChunk: ({ html }) => html.replace('%theme%', event.locals.theme) });
  response.headers.set('x-content-type-options', 'nosniff');
  response.headers.set('referrer-policy', 'same-origin');
  response.headers.set('x-frame-options', 'DENY');
  return response;
};
