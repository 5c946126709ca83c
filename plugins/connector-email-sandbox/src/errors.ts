import { defineErrors } from '@neonhub/schemas';

/** Errors of the sandbox e-mail connector. */
export const emailSandboxErrors = defineErrors({
  NH_CONNECTOR_IDEMPOTENCY_CONFLICT: {
    status: 409,
    category: 'user',
    description:
      'An idempotency key was reused for a different message: a retry must send the same message, a new message needs a new key.',
  },
});
