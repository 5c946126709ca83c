import type { OutboxErrorJson } from '@neonhub/db';
import { isNeonHubError } from '@neonhub/schemas';
import { connectorErrors } from '@neonhub/sdk';

/** How the dispatcher spaces attempts: exponential from `baseMs`, capped at `maxMs`, with jitter. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so retries of many messages
 * spread out yet none comes back sooner than half its step. `failure` is 1 after the first failed attempt.
 */
export function backoffDelay(failure: number, o: BackoffOptions, random: () => number = Math.random): number {
  const step = Math.min(o.maxMs, o.baseMs * 2 ** Math.max(0, failure - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

export type Verdict =
  /** Try again after `delayMs`; `failure` counts against max_attempts (a provider's 429 does not). */
  { action: 'retry'; delayMs: number; failure: boolean } | { action: 'dead'; failure: boolean };

/**
 * The error of an attempt as stored: code, message, category, HTTP status and details. A connector's own error
 * (NH_CONNECTOR_*), which the runtime wraps as NH_TOOL_FAILED with the plugin's code in details, is stored as
 * itself: that is what the caller and the admin need to read, and what the retry rules look at.
 */
export function errorJson(err: unknown): OutboxErrorJson {
  const at = new Date().toISOString();
  if (isNeonHubError(err) && err.code === 'NH_TOOL_FAILED') {
    const inner = err.details as { code?: unknown; message?: unknown; details?: unknown } | undefined;
    const spec =
      typeof inner?.code === 'string' ? connectorErrors.registry[inner.code as keyof typeof connectorErrors.registry] : undefined;
    if (spec && typeof inner?.code === 'string')
      return {
        code: inner.code,
        message: typeof inner.message === 'string' ? inner.message : err.message,
        category: spec.category,
        status: spec.status,
        ...(inner.details !== undefined ? { details: inner.details } : {}),
        at,
      };
  }
  if (isNeonHubError(err))
    return {
      code: err.code,
      message: err.message,
      category: err.category,
      status: err.status,
      ...(err.details !== undefined ? { details: err.details } : {}),
      at,
    };
  return { code: 'NH_TOOL_FAILED', message: err instanceof Error ? err.message : String(err), category: 'third_party', status: 502, at };
}

/** The code a connector raised: the error's own, or the one a wrapping NH_TOOL_FAILED carries in details. */
function connectorCode(e: OutboxErrorJson): string {
  const inner = (e.details as { code?: unknown } | undefined)?.code;
  return e.code === 'NH_TOOL_FAILED' && typeof inner === 'string' ? inner : e.code;
}

/**
 * What to do after a failed attempt (docs/outbox.md, "Retries"):
 * - NH_CONNECTOR_RATE_LIMITED: again after the provider's Retry-After (`details.retryAfterMs`), else backoff; not a failure;
 * - NH_CONNECTOR_UNAVAILABLE, and any other `transient` error (timeouts, a plugin restarting): backoff;
 * - NH_CONNECTOR_AUTH_FAILED: once more (the connection layer refreshes an OAuth token meanwhile), then dead;
 * - anything else (NH_CONNECTOR_REJECTED, NH_CONNECTOR_LIMIT_EXCEEDED, NH_CONNECTOR_IDEMPOTENCY_CONFLICT, bad input,
 *   the plugin disabled): dead at once, since sending it again cannot succeed.
 * A message dies anyway once its failures reach max_attempts.
 */
export function classify(
  error: OutboxErrorJson,
  state: { failures: number; maxAttempts: number; previous: OutboxErrorJson | null },
  backoff: BackoffOptions,
  random: () => number = Math.random,
): Verdict {
  const code = connectorCode(error);
  if (code === 'NH_CONNECTOR_RATE_LIMITED') {
    const after = Number((error.details as { retryAfterMs?: unknown } | undefined)?.retryAfterMs);
    const delayMs =
      Number.isFinite(after) && after > 0 ? Math.min(after, 24 * 3_600_000) : backoffDelay(state.failures + 1, backoff, random);
    return { action: 'retry', delayMs, failure: false };
  }
  const failures = state.failures + 1;
  if (code === 'NH_CONNECTOR_AUTH_FAILED') {
    const again = state.previous ? connectorCode(state.previous) === 'NH_CONNECTOR_AUTH_FAILED' : false;
    return again || failures >= state.maxAttempts
      ? { action: 'dead', failure: true }
      : { action: 'retry', delayMs: backoffDelay(1, backoff, random), failure: true };
  }
  const transient = code === 'NH_CONNECTOR_UNAVAILABLE' || error.category === 'transient';
  if (!transient || failures >= state.maxAttempts) return { action: 'dead', failure: true };
  return { action: 'retry', delayMs: backoffDelay(failures, backoff, random), failure: true };
}
