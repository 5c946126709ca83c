import { connectorErrorFrom, isNeonHubError, type NeonHubError, retryAfterMs } from '@neonhub/sdk';
import { ApiRequestError, ApiResponseError } from 'twitter-api-v2';

/** A twitter-api-v2 error as the shared connector error (AUTH_FAILED, RATE_LIMITED with retryAfterMs, REJECTED, UNAVAILABLE). */
export function toConnectorError(err: unknown): NeonHubError {
  if (isNeonHubError(err)) return err;
  if (err instanceof ApiResponseError) {
    const data = err.data as { title?: string; detail?: string; type?: string } | undefined;
    return connectorErrorFrom({
      provider: 'x',
      status: err.code,
      providerCode: data?.type && data.type !== 'about:blank' ? data.type : (data?.title ?? err.code),
      message: data?.detail ?? err.message,
      ...(err.rateLimitError ? { retryAfterMs: retryAfterMs(err.headers ?? {}, { resetHeader: 'x-rate-limit-reset' }) } : {}),
      authFailed: err.isAuthError,
      cause: err,
    });
  }
  if (err instanceof ApiRequestError)
    return connectorErrorFrom({ provider: 'x', message: err.requestError?.message ?? err.message, cause: err });
  return connectorErrorFrom({ provider: 'x', message: (err as Error)?.message ?? String(err), cause: err });
}
