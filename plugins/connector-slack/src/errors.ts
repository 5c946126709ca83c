import { connectorErrorFrom, isNeonHubError, type NeonHubError } from '@neonhub/sdk';
import { ErrorCode } from '@slack/web-api';

const AUTH = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'not_allowed_token_type',
]);
const TRANSIENT = new Set(['fatal_error', 'internal_error', 'service_unavailable', 'request_timeout']);

/** A @slack/web-api error as the shared connector error. */
export function fromSlackError(err: unknown): NeonHubError {
  if (isNeonHubError(err)) return err;
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
  if (e.code === ErrorCode.RateLimitedError)
    return connectorErrorFrom({
      provider: 'slack',
      status: 429,
      message: 'rate limited',
      retryAfterMs: (e.retryAfter ?? 1) * 1000,
      cause: err,
    });
  if (e.code === ErrorCode.PlatformError) {
    const error = e.data?.error ?? 'unknown_error';
    return connectorErrorFrom({
      provider: 'slack',
      status: AUTH.has(error) ? 401 : TRANSIENT.has(error) ? 503 : error === 'ratelimited' ? 429 : 400,
      providerCode: error,
      message: error,
      cause: err,
    });
  }
  if (e.code === ErrorCode.HTTPError)
    return connectorErrorFrom({
      provider: 'slack',
      ...(e.statusCode ? { status: e.statusCode } : {}),
      message: e.message ?? 'HTTP error',
      cause: err,
    });
  return connectorErrorFrom({ provider: 'slack', message: e.message ?? String(err), cause: err });
}
