import type { NeonHubError } from '@neonhub/schemas';
import { connectorErrors } from '../errors.js';

type HeaderBag = Headers | Readonly<Record<string, string | string[] | undefined>>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * How long to wait before retrying a rate-limited request: `Retry-After` (seconds or an HTTP date), else a reset
 * header (`resetHeader`, epoch seconds or an ISO date, as X's x-rate-limit-reset, Bluesky's ratelimit-reset,
 * Mastodon's x-ratelimit-reset), else `fallbackMs`.
 */
export function retryAfterMs(headers: HeaderBag, opts: { resetHeader?: string; fallbackMs?: number; now?: number } = {}): number {
  const now = opts.now ?? Date.now();
  const ra = header(headers, 'retry-after');
  if (ra !== undefined) {
    const secs = Number(ra);
    if (Number.isFinite(secs)) return Math.max(0, Math.round(secs * 1000));
    const at = Date.parse(ra);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  const reset = opts.resetHeader ? header(headers, opts.resetHeader) : undefined;
  if (reset !== undefined) {
    const n = Number(reset);
    // Epoch seconds (X, Bluesky) or seconds from now when small (HubSpot's interval).
    if (Number.isFinite(n)) return Math.max(0, n > 1e9 ? n * 1000 - now : n * 1000);
    const at = Date.parse(reset);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  return opts.fallbackMs ?? 60_000;
}

export interface ProviderFailure {
  /** The provider's name (x, bluesky, hubspot...). */
  provider: string;
  /** HTTP status; undefined when no answer came (network error, timeout). */
  status?: number;
  /** The provider's own error code (X's type, Graph's code, atproto's error name...). */
  providerCode?: string | number;
  message: string;
  /** For 429s: how long to wait (see retryAfterMs). */
  retryAfterMs?: number;
  /** True when the provider says the credentials are bad whatever the status (Graph's OAuthException 190). */
  authFailed?: boolean;
  /** True when the provider says it is throttling whatever the status (Graph's code 4/17/32/613). */
  rateLimited?: boolean;
  cause?: unknown;
}

/**
 * One provider failure as the shared connector error the outbox understands: 401/403-auth → AUTH_FAILED (the host
 * refreshes once), 429 → RATE_LIMITED with details.retryAfterMs, 5xx and no answer → UNAVAILABLE (retried with
 * backoff), any other 4xx → REJECTED (not retried), with the provider's code and message in details.
 */
export function connectorErrorFrom(f: ProviderFailure): NeonHubError {
  const details: Record<string, unknown> = { provider: f.provider };
  if (f.status !== undefined) details.status = f.status;
  if (f.providerCode !== undefined) details.providerCode = f.providerCode;
  const opts = (extra: Record<string, unknown> = {}) => ({ details: { ...details, ...extra }, ...(f.cause ? { cause: f.cause } : {}) });
  if (f.rateLimited || f.status === 429) {
    const wait = f.retryAfterMs ?? 60_000;
    return connectorErrors.create(
      'NH_CONNECTOR_RATE_LIMITED',
      `${f.provider} is rate limiting this account: retry in ${Math.ceil(wait / 1000)} s (${f.message})`,
      opts({ retryAfterMs: wait }),
    );
  }
  if (f.authFailed || f.status === 401) {
    return connectorErrors.create('NH_CONNECTOR_AUTH_FAILED', `${f.provider} refused the connection's credentials: ${f.message}`, opts());
  }
  if (f.status === undefined || f.status >= 500 || f.status === 408) {
    return connectorErrors.create('NH_CONNECTOR_UNAVAILABLE', `${f.provider} could not be reached or failed: ${f.message}`, opts());
  }
  return connectorErrors.create('NH_CONNECTOR_REJECTED', `${f.provider} refused the request: ${f.message}`, opts());
}
