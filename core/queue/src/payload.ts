import type { z } from 'zod';
import { queueErrors } from './errors.js';

/** Parses a job payload with the queue's schema; a mismatch is NH_QUEUE_PAYLOAD_INVALID naming the fields. */
export function parsePayload<S extends z.ZodType>(schema: S, queue: string, where: 'enqueue' | 'worker', value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw queueErrors.create(
    'NH_QUEUE_PAYLOAD_INVALID',
    `job payload for queue ${queue} is invalid at ${where}: ${issues.map((i) => `${i.path || '(payload)'} ${i.message}`).join('; ')}`,
    { details: { queue, where, issues } },
  );
}

export const backoffMs = (attempt: number) => 100 * 2 ** (attempt - 1);
