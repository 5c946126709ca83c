import { defineErrors } from '@neonhub/schemas';

/** Errors of the sandbox social connector. */
export const socialSandboxErrors = defineErrors({
  NH_CONNECTOR_IDEMPOTENCY_CONFLICT: {
    status: 409,
    category: 'user',
    description: 'An idempotency key was reused for a different post: a retry must publish the same post, a new post needs a new key.',
  },
});
