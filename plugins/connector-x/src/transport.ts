import { ApiRequestError, ApiResponseError, type ITwitterApiClientPlugin, type TwitterRateLimit } from 'twitter-api-v2';

interface ComputedArgs {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

interface ArgsMaker {
  getHttpRequestArgs(params: unknown): ComputedArgs;
}

function rateLimitOf(headers: Headers): TwitterRateLimit | undefined {
  const limit = headers.get('x-rate-limit-limit');
  if (!limit) return undefined;
  return {
    limit: Number(limit),
    remaining: Number(headers.get('x-rate-limit-remaining')),
    reset: Number(headers.get('x-rate-limit-reset')),
  };
}

/**
 * twitter-api-v2 sends with node's https module; this client plugin makes it send through `fetchFn` instead (the
 * plugin's ctx.fetch: declared hosts only, the host's outbound guard), optionally to another base URL (a local fake).
 * The library still builds every request (paths, OAuth 2.0 bearer header, JSON and multipart bodies) and gets its
 * own response and error types back (ApiResponseError with code, data, headers and rateLimit).
 */
export function fetchTransport(fetchFn: typeof fetch, opts: { baseUrl?: string; signal?: AbortSignal } = {}): ITwitterApiClientPlugin {
  return {
    async onBeforeRequestConfig({ client, params }) {
      const args = (client as unknown as ArgsMaker).getHttpRequestArgs(params);
      const url = new URL(args.url.href);
      if (opts.baseUrl) {
        const base = new URL(opts.baseUrl);
        url.protocol = base.protocol;
        url.host = base.host;
      }
      let res: Response;
      try {
        res = await fetchFn(url, {
          method: args.method,
          headers: args.headers,
          ...(args.body !== undefined ? { body: typeof args.body === 'string' ? args.body : new Uint8Array(args.body) } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
      } catch (error) {
        if (error && typeof error === 'object' && 'code' in error && String((error as { code: unknown }).code).startsWith('NH_'))
          throw error;
        throw new ApiRequestError('Request failed.', { request: undefined as never, error: error as Error });
      }
      const text = await res.text();
      const type = res.headers.get('content-type') ?? '';
      let data: unknown = text;
      if (type.includes('json') && text) data = JSON.parse(text);
      const headers = Object.fromEntries(res.headers.entries());
      const rateLimit = rateLimitOf(res.headers);
      if (res.status >= 400) {
        const problem = data as { title?: string; detail?: string; errors?: Array<{ message?: string }> } | undefined;
        const why = problem?.detail ?? problem?.errors?.[0]?.message ?? res.statusText;
        throw new ApiResponseError(`Request failed with code ${res.status} - ${why}`, {
          code: res.status,
          data: data as never,
          headers,
          request: undefined as never,
          response: undefined as never,
          ...(rateLimit ? { rateLimit } : {}),
        });
      }
      return { data, headers, ...(rateLimit ? { rateLimit } : {}) };
    },
  };
}
