import type { z } from 'zod';
import { createBullQueue } from './bullmq.js';
import { createMemoryQueue } from './memory.js';
import type { Queue, QueueOptions } from './types.js';

export { createBullQueue, deleteBullPrefix } from './bullmq.js';
export { type QueueErrorCode, queueErrors } from './errors.js';
export { createMemoryQueue } from './memory.js';
export { checkRedis, redisTarget } from './redis-check.js';
export type { AddOptions, Job, JobHandler, ProcessOptions, Queue, QueueOptions } from './types.js';

/** BullMQ on Redis when `redisUrl` is set, the in-process queue otherwise. */
export function createQueue<S extends z.ZodType>(opts: QueueOptions<S>): Queue<z.infer<S>> {
  return opts.redisUrl ? createBullQueue({ ...opts, redisUrl: opts.redisUrl }) : createMemoryQueue(opts);
}
