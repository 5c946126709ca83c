import { connectorErrorFrom, isNeonHubError, type NeonHubError, retryAfterMs } from '@neonhub/sdk';

/** Twilio error codes that mean the credentials are wrong or the account is closed. */
const AUTH_CODES = new Set([20003, 20005, 20006, 20008]);

/** A twilio client error (RestException: status, code, message) as the shared connector error. */
export function fromTwilioError(err: unknown, retryAfter: string | undefined): NeonHubError {
  if (isNeonHubError(err)) return err;
  const e = err as { status?: number; code?: number | string; message?: string; moreInfo?: string };
  const status = typeof e.status === 'number' ? e.status : undefined;
  return connectorErrorFrom({
    provider: 'twilio',
    ...(status !== undefined ? { status } : {}),
    ...(e.code !== undefined && typeof e.code === 'number' ? { providerCode: e.code } : {}),
    message: e.message ?? String(err),
    authFailed: typeof e.code === 'number' && AUTH_CODES.has(e.code),
    rateLimited: e.code === 20429,
    ...(status === 429 || e.code === 20429
      ? { retryAfterMs: retryAfterMs(retryAfter ? { 'retry-after': retryAfter } : {}, { fallbackMs: 1_000 }) }
      : {}),
    cause: err,
  });
}
