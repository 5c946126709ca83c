import { defineErrors } from '@neonhub/schemas';

/** Errors raised by the job queue (`@neonhub/queue`). */
export const queueErrors = defineErrors({
  NH_QUEUE_PAYLOAD_INVALID: {
    status: 500,
    category: 'internal',
    description: 'A job payload does not match the queue schema (at enqueue, or in the worker for a job written by another version).',
  },
  NH_QUEUE_CLOSED: {
    status: 503,
    category: 'transient',
    description: 'The queue was closed (the host or worker is shutting down); the job was not added.',
  },
  NH_QUEUE_UNAVAILABLE: {
    status: 503,
    category: 'transient',
    description: 'Redis could not be reached for the BullMQ queue (check REDIS_URL).',
  },
  NH_REDIS_UNREACHABLE: {
    status: 503,
    category: 'transient',
    description:
      'REDIS_URL is set but Redis does not answer within seconds; `start` and `worker` exit at once. Start Redis, fix REDIS_URL, or unset it for the in-process queue.',
  },
});

export type QueueErrorCode = keyof typeof queueErrors.registry;
