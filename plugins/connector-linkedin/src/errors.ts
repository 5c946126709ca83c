import { connectorErrorFrom, isNeonHubError, type NeonHubError, retryAfterMs } from '@neonhub/sdk';

interface AxiosLike {
  isAxiosError?: boolean;
  message: string;
  response?: { status: number; data?: unknown; headers?: Record<string, string> };
}

/**
 * An axios error from the LinkedIn client as the shared connector error. LinkedIn's throttles are daily and its 429
 * carries no Retry-After: the outbox waits a minute and tries again (the window may last until midnight UTC).
 */
export function toConnectorError(err: unknown): NeonHubError {
  if (isNeonHubError(err)) return err;
  const e = err as AxiosLike;
  if (e?.response) {
    const body = (e.response.data ?? {}) as { code?: string; message?: string; serviceErrorCode?: number };
    return connectorErrorFrom({
      provider: 'linkedin',
      status: e.response.status,
      providerCode: body.code ?? body.serviceErrorCode ?? e.response.status,
      message: body.message ?? e.message,
      ...(e.response.status === 429 ? { retryAfterMs: retryAfterMs(e.response.headers ?? {}, { fallbackMs: 60_000 }) } : {}),
      cause: err,
    });
  }
  const cause = (err as { cause?: unknown })?.cause;
  if (isNeonHubError(cause)) return cause;
  return connectorErrorFrom({ provider: 'linkedin', message: e?.message ?? String(err), cause: err });
}
