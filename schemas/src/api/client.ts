import type { ApiRoute, RouteInput, RouteOutput } from './route.js';
import { type ApiRouteName, type ApiRoutes, apiRoutes } from './routes.js';

/** The host's error envelope `{ error: { code, message, details } }`. */
export interface ApiError {
  code: string;
  message: string;
  details?: unknown;
}

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; error: ApiError };
export type ApiOutput<N extends ApiRouteName> = RouteOutput<ApiRoutes[N]>;
export type ApiInput<N extends ApiRouteName> = RouteInput<ApiRoutes[N]>;

export interface ApiClientOptions {
  /** `http://127.0.0.1:3000` (no trailing slash needed). */
  baseUrl: string;
  /** Sent with every request (credentials, forwarded client address). */
  headers?: () => Record<string, string>;
  fetch?: typeof fetch;
}

/** Fills `:name` segments of a route's path, each URI-encoded. */
export function routePath(route: Pick<ApiRoute, 'path'>, params: Record<string, unknown> = {}, query?: Record<string, unknown>): string {
  const path = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`${route.path}: missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null) search.set(k, String(v));
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}

/**
 * The one typed client of the host API (the console's server and the CLI use it): each call names an
 * operation of `apiRoutes`; its params, query and body are typed from the route's zod schemas and so is
 * the answer. An error answer is `{ ok: false, error }` with the host's code; an unreachable host is
 * `NH_API_UNREACHABLE` with status 502.
 */
export function createApiClient(options: ApiClientOptions) {
  const base = options.baseUrl.replace(/\/$/, '');
  const doFetch = options.fetch ?? fetch;

  async function request<N extends ApiRouteName>(
    name: N,
    ...args: Record<never, never> extends ApiInput<N> ? [ApiInput<N>?] : [ApiInput<N>]
  ) {
    const route: ApiRoute = apiRoutes[name];
    const input = (args[0] ?? {}) as { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown };
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers?.() };
    const body = input.body ?? (route.body && route.method !== 'GET' ? {} : undefined);
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(`${base}${routePath(route, input.params, input.query)}`, {
        method: route.method,
        headers,
        redirect: 'manual',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      return {
        ok: false,
        status: 502,
        error: { code: 'NH_API_UNREACHABLE', message: `the NeonHub API is unreachable (${(err as Error).message})` },
      } as ApiResult<ApiOutput<N>>;
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (res.status < 400) return { ok: true, status: res.status, data: json as ApiOutput<N> } as ApiResult<ApiOutput<N>>;
    const error = (json as { error?: ApiError } | undefined)?.error ?? { code: 'NH_INTERNAL', message: `the API answered ${res.status}` };
    return { ok: false, status: res.status, error } as ApiResult<ApiOutput<N>>;
  }

  return { request };
}

export type ApiClient = ReturnType<typeof createApiClient>;
