import { XRPCError } from '@atproto/api';
import { connectorErrorFrom, isNeonHubError, type NeonHubError, retryAfterMs } from '@neonhub/sdk';

/** An XRPC error as the shared connector error (ExpiredToken/InvalidToken/401 → AUTH_FAILED, 429 → RATE_LIMITED...). */
export function toConnectorError(err: unknown): NeonHubError {
  if (isNeonHubError(err)) return err;
  if (err instanceof XRPCError) {
    // XRPC's own codes below 100 (invalid response, unknown) are no HTTP answer: treated as unavailable.
    const status = err.status >= 100 ? err.status : undefined;
    return connectorErrorFrom({
      provider: 'bluesky',
      ...(status !== undefined ? { status } : {}),
      providerCode: err.error,
      message: err.message,
      authFailed: ['ExpiredToken', 'InvalidToken', 'AuthenticationRequired', 'AccountTakedown'].includes(err.error),
      ...(err.status === 429 ? { retryAfterMs: retryAfterMs(err.headers ?? {}, { resetHeader: 'ratelimit-reset' }) } : {}),
      cause: err,
    });
  }
  return connectorErrorFrom({ provider: 'bluesky', message: (err as Error)?.message ?? String(err), cause: err });
}
