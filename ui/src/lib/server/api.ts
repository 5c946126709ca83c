import { type ApiClient, type ApiInput, type ApiOutput, type ApiResult, type ApiRouteName, createApiClient } from '@neonhub/schemas';
import type { RequestEvent } from '@sveltejs/kit';
import { failWith } from './guard';

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

type Named = ApiRouteName;

/**
 * A row's button as a form action: the API operation `name` on the row the form's `id` field names (`input(id)` builds
 * its params and body), its failure shown beside the form (failWith), its answer turned into what the page says by
 * `done`. The connections and outbox pages' retry / cancel / revoke / remove / test are one line each with it.
 */
export async function callAction<N extends Named, R>(
  event: Pick<RequestEvent, 'locals' | 'url' | 'getClientAddress' | 'request'>,
  name: N,
  input: (id: string) => ApiInput<N>,
  done: (data: ApiOutput<N>) => R,
) {
  const form = await event.request.formData();
  const id = form.get('id');
  const client = api(event) as unknown as { request(n: N, i: ApiInput<N>): Promise<ApiResult<ApiOutput<N>>> };
  const r = await client.request(name, input(typeof id === 'string' ? id.trim() : ''));
  if (!r.ok) return failWith(r);
  return done(r.data);
}
