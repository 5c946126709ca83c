import type { z } from 'zod';

export interface AddOptions {
  /** Unique while the job is waiting, delayed or active: adding the same id again is a no-op. */
  jobId: string;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Times the handler is tried when it throws (default 1: no queue-level retry). Backoff is exponential from 100 ms. */
  attempts?: number;
}

export interface Job<P> {
  id: string;
  name: string;
  payload: P;
  /** 1 on the first try. */
  attempt: number;
}

export type JobHandler<P> = (job: Job<P>) => Promise<void>;

export interface ProcessOptions {
  /** Jobs handled at once by this process (default 1). */
  concurrency?: number;
}

/** A job queue. The payload is parsed with the queue's zod schema when added and again when handled. */
export interface Queue<P> {
  readonly backend: 'memory' | 'bullmq';
  add(name: string, payload: P, opts: AddOptions): Promise<void>;
  /** Adds several jobs in one round trip (each as `add` would; all are parsed before any is added). */
  addMany(jobs: { name: string; payload: P; opts: AddOptions }[]): Promise<void>;
  /** Starts handling jobs in this process. Call once. */
  process(handler: JobHandler<P>, opts?: ProcessOptions): Promise<void>;
  /** Whether a job with this id is waiting, delayed or active. */
  has(jobId: string): Promise<boolean>;
  /** Stops taking jobs, waits for active ones, releases connections. */
  close(): Promise<void>;
}

export interface QueueOptions<S extends z.ZodType> {
  /** Queue name (BullMQ key part). */
  name: string;
  schema: S;
  /** Redis URL: BullMQ when set, the in-process queue otherwise. */
  redisUrl?: string;
  /** BullMQ key prefix (default `neonhub`); tests use a unique one. */
  prefix?: string;
  /** BullMQ: how long a worker's lock on an active job lasts before another worker may take it over (default 30 s). */
  lockDurationMs?: number;
  /** BullMQ: how often workers look for stalled jobs (default 30 s). */
  stalledIntervalMs?: number;
  /** Called when a handler throws for the last time (the queue never throws it anywhere else). */
  onFailed?(job: { id: string; name: string }, err: unknown): void;
  /**
   * BullMQ: told once when Redis becomes unreachable and once when it is back (ioredis reconnects meanwhile).
   * Default: one line on stderr each time, never a stack trace per reconnect attempt.
   */
  onConnection?(event: { state: 'lost' | 'back'; message: string }): void;
}
