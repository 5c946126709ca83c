import type { ErrorRegistry } from '@neonhub/schemas';

/** The outbox: messages queued for delivery (host/src/outbox). Part of the host's one registry (host/src/errors.ts). */
export const outboxErrors = {
  // outbox
  NH_OUTBOX_NOT_FOUND: { status: 404, category: 'user', description: 'No outbox message by this id in this workspace.' },
  NH_OUTBOX_NOT_RETRYABLE: {
    status: 409,
    category: 'user',
    description:
      'Only a dead or cancelled outbox message can be retried (a queued, retrying or sending one is on its way; a delivered one was sent).',
  },
  NH_OUTBOX_NOT_CANCELLABLE: {
    status: 409,
    category: 'user',
    description: 'Only a queued, retrying or dead outbox message can be cancelled (one being sent right now, or delivered, cannot).',
  },
  NH_OUTBOX_PENDING: {
    status: 503,
    category: 'transient',
    description:
      "A run step's send is still in the outbox (its first attempt failed and is retried): the step is retried with the same key until the message is delivered or dead.",
  },
  NH_OUTBOX_CANCELLED: {
    status: 409,
    category: 'user',
    description:
      'An admin cancelled the outbox message this idempotency key names: it is not sent; retry it from the Outbox page, or send with a new key.',
  },
} satisfies ErrorRegistry;
