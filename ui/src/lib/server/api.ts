import type { RequestEvent } from '@sveltejs/kit';

/** The host's error envelope `{ error: { code, message, details } }`. */
export interface ApiError {
  code: string;
  message: string;
  details?: unknown;
}

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; error: ApiError };

type Event = Pick<RequestEvent, 'locals' | 'url' | 'getClientAddress'>;

/** Where the host API listens: NEONHUB_API_URL (mountConsole sets it to the server's own address), else this origin. */
export const apiBase = (event: Pick<RequestEvent, 'url'>) => (process.env.NEONHUB_API_URL || event.url.origin).replace(/\/$/, '');

/**
 * The console's only caller of the host API. Runs on the server: the session token goes in an
 * Authorization header and never reaches the browser; the browser's address is forwarded so the
 * host's log-in rate limit counts per person, not per console.
 */
export function api(event: Event, token: string | null = event.locals.sessionToken) {
  async function request<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
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
    let res: Response;
    try {
      res = await fetch(`${apiBase(event)}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (err) {
      return {
        ok: false,
        status: 502,
        error: { code: 'NH_CONSOLE_API_UNREACHABLE', message: `the NeonHub API is unreachable (${(err as Error).message})` },
      };
    }
    if (res.status === 204) return { ok: true, status: 204, data: undefined as T };
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (res.ok) return { ok: true, status: res.status, data: json as T };
    const error = (json as { error?: ApiError } | undefined)?.error ?? { code: 'NH_INTERNAL', message: `the API answered ${res.status}` };
    return { ok: false, status: res.status, error };
  }
  return {
    request,
    get: <T>(path: string) => request<T>('GET', path),
    post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
    put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
    patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
    del: <T>(path: string) => request<T>('DELETE', path),
  };
}

export type Api = ReturnType<typeof api>;

/** The tool-call result shape of POST /api/workspaces/:ws/tools/:tool/call. */
export type CallResult =
  | { status: 'ok'; callId: string; output: unknown; durationMs: number }
  | { status: 'pending_approval'; callId: string; approvalId?: string; reason: string; plugin: string };

export const enc = encodeURIComponent;
