import { connectorErrorFrom, isNeonHubError, type NeonHubError, retryAfterMs } from '@neonhub/sdk';
import { MastoHttpError, MastoTimeoutError } from 'masto';

/** A masto error as the shared connector error (401 → AUTH_FAILED, 429 → RATE_LIMITED from X-RateLimit-Reset, 422 → REJECTED...). */
export function toConnectorError(err: unknown): NeonHubError {
  if (isNeonHubError(err)) return err;
  if (err instanceof MastoHttpError) {
    const headers = err.cause instanceof Response ? err.cause.headers : new Headers();
    return connectorErrorFrom({
      provider: 'mastodon',
      status: err.statusCode,
      providerCode: err.statusCode,
      message: err.message,
      ...(err.statusCode === 429 ? { retryAfterMs: retryAfterMs(headers, { resetHeader: 'x-ratelimit-reset' }) } : {}),
      cause: err,
    });
  }
  if (err instanceof MastoTimeoutError) return connectorErrorFrom({ provider: 'mastodon', message: err.message, cause: err });
  return connectorErrorFrom({ provider: 'mastodon', message: (err as Error)?.message ?? String(err), cause: err });
}
