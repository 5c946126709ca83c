import { defineErrors } from '@neonhub/schemas';

/**
 * The LLM adapter's error registry. Provider failures are mapped onto these codes by
 * `toLlmError` (see provider-errors.ts). A provider's 401 is NOT our caller's 401: it means
 * the workspace's provider key is wrong, so it answers 502 with category `user`.
 */
export const llmErrors = defineErrors({
  NH_LLM_RATE_LIMITED: {
    status: 429,
    category: 'transient',
    description: 'The provider rate-limited the request (HTTP 429) after the SDK retries; details.retryAfterSeconds says when to retry.',
  },
  NH_LLM_AUTH: {
    status: 502,
    category: 'user',
    description: 'The provider refused the API key (HTTP 401/403): fix the key in the workspace LLM settings.',
  },
  NH_LLM_PROVIDER_ERROR: {
    status: 502,
    category: 'third_party',
    description: 'The provider failed (HTTP 5xx) or answered something that is not its documented format.',
  },
  NH_LLM_UNREACHABLE: {
    status: 503,
    category: 'transient',
    description: 'The provider could not be reached (connection refused, DNS, timeout): is the server (e.g. Ollama) running?',
  },
  NH_LLM_BAD_REQUEST: {
    status: 400,
    category: 'user',
    description: 'The provider rejected the request as invalid (HTTP 400/404/413/422), e.g. an unknown model or a too-long prompt.',
  },
  NH_LLM_CONFIG_INVALID: {
    status: 400,
    category: 'user',
    description: 'The LLM configuration is invalid or incomplete (unknown provider, missing model, base URL or API key).',
  },
  NH_LLM_ABORTED: {
    status: 499,
    category: 'user',
    description: 'The caller aborted the generation through its AbortSignal.',
  },
  NH_LLM_INTERNAL: {
    status: 500,
    category: 'internal',
    description: 'An unexpected failure inside the LLM adapter (a bug): see the cause.',
  },
});

export type LlmErrorCode = keyof typeof llmErrors.registry;
