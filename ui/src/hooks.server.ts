import type { Handle, RequestEvent } from '@sveltejs/kit';
import { api } from '$lib/server/api';
import { clearSessionCookie, SESSION_COOKIE, THEME_COOKIE } from '$lib/server/session';
import { sessionFromShell } from '$lib/server/shell';

/**
 * Whether the request renders a workspace page (its HTML, or its data on a client-side navigation): those read the
 * workspace's shell anyway. Form posts and endpoints (an image, a CSV) check the session with `me` alone.
 */
const readsShell = (event: RequestEvent) =>
  event.request.method === 'GET' &&
  Boolean(event.route.id?.startsWith('/w/[ws]') && event.params.ws) &&
  (event.isDataRequest || (event.request.headers.get('accept') ?? '').includes('text/html'));

/** Resolves the session (through the host API) once per request; pages read `locals`. */
export const handle: Handle = async ({ event, resolve }) => {
  const theme = event.cookies.get(THEME_COOKIE);
  event.locals.theme = theme === 'light' || theme === 'dark' ? theme : 'system';
  event.locals.user = null;
  event.locals.sessionToken = null;
  event.locals.workspaces = [];

  const token = event.cookies.get(SESSION_COOKIE);
  if (token) {
    // A workspace page's read of its shell checks the session too (and brings an admin's host health): one host call.
    const ws = readsShell(event) ? event.params.ws : undefined;
    const viaShell = ws ? await sessionFromShell(event, ws, token) : null;
    if (viaShell?.me) event.locals.hostHealth = viaShell.health;
    const me =
      viaShell?.me || viaShell?.status === 401
        ? { ok: viaShell.status === 200, status: viaShell.status, data: viaShell.me }
        : await api(event, token).request('me');
    if (me.ok && me.data) {
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
