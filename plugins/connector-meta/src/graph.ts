import { connectorErrorFrom, type NeonHubError, type ToolContext } from '@neonhub/sdk';

export const PLUGIN_ID = 'connector-meta';
export const GRAPH_VERSION = 'v23.0';

/** Graph error codes that mean throttling (app, user, page, custom-level limits). */
const THROTTLE_CODES = new Set([4, 17, 32, 613, 80001, 80002, 80004, 80005, 80006, 80008]);

interface GraphErrorBody {
  error?: { message?: string; type?: string; code?: number; error_subcode?: number };
}

/** Minutes until access is regained, from X-Business-Use-Case-Usage / X-App-Usage, in ms (default 60 s). */
function regainMs(headers: Headers): number {
  for (const name of ['x-business-use-case-usage', 'x-page-usage', 'x-app-usage']) {
    const raw = headers.get(name);
    if (!raw) continue;
    try {
      const minutes = JSON.stringify(JSON.parse(raw)).match(/"estimated_time_to_regain_access":(\d+)/);
      if (minutes) return Math.max(1, Number(minutes[1])) * 60_000;
    } catch {
      /* not JSON: ignore */
    }
  }
  return 60_000;
}

export function graphFailure(status: number, body: GraphErrorBody, headers: Headers): NeonHubError {
  const e = body.error ?? {};
  return connectorErrorFrom({
    provider: 'meta',
    status,
    providerCode: e.error_subcode ? `${e.code}/${e.error_subcode}` : (e.code ?? status),
    message: e.message ?? `HTTP ${status}`,
    authFailed: e.code === 190 || e.code === 102,
    rateLimited: e.code !== undefined && THROTTLE_CODES.has(e.code),
    ...(status === 429 || (e.code !== undefined && THROTTLE_CODES.has(e.code)) ? { retryAfterMs: regainMs(headers) } : {}),
  });
}

/** One Graph API call through ctx.fetch (declared hosts, the host's outbound guard); base from the config's baseUrl. */
export async function graph<T>(
  ctx: Pick<ToolContext, 'fetch' | 'config' | 'signal'>,
  method: 'GET' | 'POST',
  path: string,
  token: string,
  params: Record<string, string> | FormData = {},
): Promise<T> {
  const base = (typeof ctx.config.baseUrl === 'string' ? ctx.config.baseUrl : 'https://graph.facebook.com').replace(/\/+$/, '');
  const url = new URL(`${base}/${GRAPH_VERSION}${path}`);
  const init: RequestInit = { method, headers: { authorization: `Bearer ${token}` }, signal: ctx.signal };
  if (method === 'GET') for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v as string);
  else init.body = params instanceof FormData ? params : new URLSearchParams(params as Record<string, string>);
  let res: Response;
  try {
    res = await ctx.fetch(url, init);
  } catch (err) {
    if (err && typeof err === 'object' && 'code' in err && String((err as { code: unknown }).code).startsWith('NH_')) throw err;
    throw connectorErrorFrom({ provider: 'meta', message: `${url.host} could not be reached`, cause: err });
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { error: { message: text.slice(0, 200) } };
  }
  if (!res.ok || (body as GraphErrorBody).error) throw graphFailure(res.status, body as GraphErrorBody, res.headers);
  return body as T;
}

/** The Page access token: the connection's when it holds one, else asked for with the user token. */
export async function pageToken(
  ctx: Pick<ToolContext, 'fetch' | 'config' | 'signal'>,
  pageId: string,
  credentials: Readonly<Record<string, string>>,
): Promise<string> {
  if (credentials.pageAccessToken) return credentials.pageAccessToken;
  const page = await graph<{ access_token: string }>(ctx, 'GET', `/${pageId}`, credentials.accessToken ?? '', { fields: 'access_token' });
  return page.access_token;
}
