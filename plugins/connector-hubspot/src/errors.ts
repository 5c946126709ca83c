import { connectorErrorFrom, isNeonHubError, type NeonHubError } from '@neonhub/sdk';

interface HubSpotErrorBody {
  message?: string;
  category?: string;
  errorType?: string;
}

/** HubSpot's 429 carries no Retry-After: wait out the rolling window it names (X-HubSpot-RateLimit-Interval-Milliseconds). */
function windowMs(headers: Record<string, string> | Headers | undefined): number {
  const raw =
    headers instanceof Headers
      ? headers.get('x-hubspot-ratelimit-interval-milliseconds')
      : headers?.['x-hubspot-ratelimit-interval-milliseconds'];
  const retry = headers instanceof Headers ? headers.get('retry-after') : headers?.['retry-after'];
  if (retry && Number.isFinite(Number(retry))) return Number(retry) * 1000;
  return raw && Number.isFinite(Number(raw)) ? Number(raw) : 10_000;
}

/** A HubSpot failure (ApiException from the client, or a non-2xx apiRequest answer) as the shared connector error. */
export function hubspotFailure(status: number, body: unknown, headers?: Record<string, string> | Headers, cause?: unknown): NeonHubError {
  const b = (typeof body === 'string' ? safeJson(body) : body) as HubSpotErrorBody | undefined;
  return connectorErrorFrom({
    provider: 'hubspot',
    status,
    providerCode: b?.category ?? b?.errorType ?? status,
    message: b?.message ?? `HTTP ${status}`,
    authFailed: b?.category === 'EXPIRED_AUTHENTICATION' || b?.category === 'INVALID_AUTHENTICATION',
    ...(status === 429 ? { retryAfterMs: windowMs(headers) } : {}),
    ...(cause ? { cause } : {}),
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}

export function toConnectorError(err: unknown): NeonHubError {
  if (isNeonHubError(err)) return err;
  const e = err as { code?: unknown; body?: unknown; headers?: Record<string, string> };
  if (typeof e?.code === 'number' && 'body' in e) return hubspotFailure(e.code, e.body, e.headers, err);
  return connectorErrorFrom({ provider: 'hubspot', message: (err as Error)?.message ?? String(err), cause: err });
}
