import type { Cookies } from '@sveltejs/kit';

/**
 * `__Host-` cookies must be Secure, Path=/ and have no Domain. Browsers accept Secure cookies on
 * http://localhost (and 127.0.0.1), so local use works; anywhere else serve the console over HTTPS.
 */
export const SESSION_COOKIE = '__Host-neonhub_session';
export const THEME_COOKIE = 'neonhub_theme';

export function setSessionCookie(cookies: Cookies, token: string, expiresAt: string) {
  cookies.set(SESSION_COOKIE, token, { path: '/', httpOnly: true, secure: true, sameSite: 'lax', expires: new Date(expiresAt) });
}

export function clearSessionCookie(cookies: Cookies) {
  cookies.delete(SESSION_COOKIE, { path: '/', httpOnly: true, secure: true, sameSite: 'lax' });
}
