import { type ApiClient, createApiClient } from '@neonhub/schemas';
import type { RequestEvent } from '@sveltejs/kit';

export type { ApiError, ApiInput, ApiOutput, ApiResult } from '@neonhub/schemas';

type Event = Pick<RequestEvent, 'locals' | 'url' | 'getClientAddress'>;

/** Where the host API listens: NEONHUB_API_URL (mountConsole sets it to the server's own address), else this origin. */
export const apiBase = (event: Pick<RequestEvent, 'url'>) => (process.env.NEONHUB_API_URL || event.url.origin).replace(/\/$/, '');

/**
 * The console's only caller of the host API: the typed client of @neonhub/schemas (each call names an
 * operation; its params, body and answer are typed from the API's zod schemas). Runs on the server: the session token goes in an
 * Authorization header and never reaches the browser; the browser's address is forwarded so the
 * host's log-in rate limit counts per person, not per console.
 */
export function api(event: Event, token: string | null = event.locals.sessionToken): Api {
  return createApiClient({
    baseUrl: apiBase(event),
    headers: () => {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      try {
        // trusted by the host only with the console's per-process secret (set by the host that mounts this console)
        const secret = process.env.NEONHUB_CONSOLE_SECRET;
        if (secret) {
          headers['x-neonhub-client-ip'] = event.getClientAddress();
          headers['x-neonhub-console-secret'] = secret;
        }
      } catch {
        // no client address (prerendering): the host uses the socket's
      }
      return headers;
    },
  });
}

export type Api = ApiClient;

export const enc = encodeURIComponent;
