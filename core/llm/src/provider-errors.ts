import { isNeonHubError, type NeonHubError } from '@neonhub/schemas';
import { APICallError, LoadAPIKeyError, NoSuchModelError, RetryError } from 'ai';
import type { LlmProvider } from './config.js';
import { llmErrors } from './errors.js';

export interface ProviderErrorContext {
  provider: LlmProvider;
  model: string;
}

/** Seconds from `retry-after-ms` or `retry-after` (seconds or an HTTP date), when the provider sent one. */
export function parseRetryAfter(headers: Record<string, string> | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers['retry-after-ms'];
  if (ms !== undefined && Number.isFinite(Number.parseFloat(ms))) return Math.max(0, Number.parseFloat(ms) / 1000);
  const value = headers['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function isAbort(e: unknown): boolean {
  return (
    typeof e === 'object' &&
    e !== null &&
    ((e as { name?: string }).name === 'AbortError' || (e as { name?: string }).name === 'TimeoutError')
  );
}

/**
 * Maps whatever the `ai` SDK (or a provider package) threw onto the adapter's coded errors.
 * The provider's own message is kept in `details.providerMessage`; request bodies (prompts) are never copied.
 */
export function toLlmError(error: unknown, ctx: ProviderErrorContext): NeonHubError {
  if (isNeonHubError(error)) return error;
  const e = RetryError.isInstance(error) ? error.lastError : error;
  const where = `${ctx.provider} (model ${ctx.model})`;
  if (isAbort(e) || isAbort(error)) {
    return llmErrors.create('NH_LLM_ABORTED', `the call to ${where} was aborted`, { cause: error, details: { ...ctx } });
  }
  if (APICallError.isInstance(e)) {
    const status = e.statusCode;
    const details = { ...ctx, status, providerMessage: e.message, url: e.url };
    if (status === undefined) {
      return llmErrors.create('NH_LLM_UNREACHABLE', `could not reach ${where} at ${e.url}: ${e.message}`, { cause: error, details });
    }
    if (status === 429) {
      const retryAfterSeconds = parseRetryAfter(e.responseHeaders);
      const when = retryAfterSeconds === undefined ? 'later' : `in ${retryAfterSeconds} s`;
      return llmErrors.create('NH_LLM_RATE_LIMITED', `${where} is rate-limiting requests (HTTP 429): retry ${when}`, {
        cause: error,
        details: retryAfterSeconds === undefined ? details : { ...details, retryAfterSeconds },
      });
    }
    if (status === 401 || status === 403) {
      return llmErrors.create('NH_LLM_AUTH', `${where} refused the API key (HTTP ${status}): check the key in the workspace LLM settings`, {
        cause: error,
        details,
      });
    }
    if (status >= 500 || status === 408) {
      return llmErrors.create('NH_LLM_PROVIDER_ERROR', `${where} failed (HTTP ${status}): ${e.message}`, { cause: error, details });
    }
    return llmErrors.create('NH_LLM_BAD_REQUEST', `${where} rejected the request (HTTP ${status}): ${e.message}`, {
      cause: error,
      details,
    });
  }
  if (LoadAPIKeyError.isInstance(e) || NoSuchModelError.isInstance(e)) {
    return llmErrors.create('NH_LLM_CONFIG_INVALID', `${where}: ${(e as Error).message}`, { cause: error, details: { ...ctx } });
  }
  if (e instanceof Error && e.name.startsWith('AI_')) {
    // Any other SDK error: the provider answered something its client could not use.
    return llmErrors.create('NH_LLM_PROVIDER_ERROR', `${where} answered unexpectedly: ${e.message}`, {
      cause: error,
      details: { ...ctx, sdkError: e.name },
    });
  }
  const message = e instanceof Error ? e.message : String(e);
  return llmErrors.create('NH_LLM_INTERNAL', `LLM call to ${where} failed: ${message}`, { cause: error, details: { ...ctx } });
}
