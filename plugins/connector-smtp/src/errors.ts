import { connectorErrorFrom, isNeonHubError, type NeonHubError } from '@neonhub/sdk';

/**
 * A nodemailer error as the shared connector error, by the SMTP reply code: 421/450/451/452 (try again later,
 * slow down) → RATE_LIMITED after 30 s, 535/534/530 or EAUTH → AUTH_FAILED, other 5xx → REJECTED (bad mailbox,
 * policy), no reply (connection, timeout) → UNAVAILABLE.
 */
export function fromSmtpError(err: unknown): NeonHubError {
  if (isNeonHubError(err)) return err;
  const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
  const message = e.response ?? e.message ?? String(err);
  const smtp = e.responseCode;
  const providerCode = smtp ?? e.code;
  const base = { provider: 'smtp', message, ...(providerCode !== undefined ? { providerCode } : {}), cause: err };
  if (e.code === 'EAUTH' || smtp === 535 || smtp === 534 || smtp === 530) return connectorErrorFrom({ ...base, status: 401 });
  if (smtp === 421 || smtp === 450 || smtp === 451 || smtp === 452)
    return connectorErrorFrom({ ...base, status: 429, retryAfterMs: 30_000 });
  if (smtp !== undefined && smtp >= 500) return connectorErrorFrom({ ...base, status: 422 });
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return connectorErrorFrom({ ...base, status: 422 });
  return connectorErrorFrom(base);
}
