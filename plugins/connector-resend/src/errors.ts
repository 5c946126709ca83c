import { connectorErrorFrom, connectorErrors, type NeonHubError, retryAfterMs } from '@neonhub/sdk';

/** What the resend client returns in `error` (it never throws for an HTTP answer). */
export interface ResendError {
  statusCode: number | null;
  name: string;
  message: string;
}

/**
 * A Resend error as the shared connector error: no status (network) → UNAVAILABLE, 401 missing_api_key / 403
 * invalid_api_key → AUTH_FAILED, 429 → RATE_LIMITED (retryAfterMs from Retry-After), 409 on the idempotency key →
 * IDEMPOTENCY_CONFLICT or (concurrent request) UNAVAILABLE, 5xx → UNAVAILABLE, other 4xx → REJECTED.
 */
export function fromResendError(error: ResendError, headers: Record<string, string> | null): NeonHubError {
  if (error.name === 'invalid_idempotent_request')
    return connectorErrors.create('NH_CONNECTOR_IDEMPOTENCY_CONFLICT', `resend: ${error.message}`, {
      details: { provider: 'resend', status: error.statusCode, providerCode: error.name },
    });
  const status = error.name === 'concurrent_idempotent_requests' ? 503 : (error.statusCode ?? undefined);
  return connectorErrorFrom({
    provider: 'resend',
    ...(status !== undefined ? { status } : {}),
    providerCode: error.name,
    message: error.message,
    authFailed: error.name === 'invalid_api_key' || error.name === 'missing_api_key' || error.name === 'restricted_api_key',
    ...(status === 429 ? { retryAfterMs: retryAfterMs(headers ?? {}, { resetHeader: 'ratelimit-reset', fallbackMs: 1_000 }) } : {}),
  });
}
