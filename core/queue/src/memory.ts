import type { z } from 'zod';
import { queueErrors } from './errors.js';
import { backoffMs, parsePayload } from './payload.js';
import type { AddOptions, Job, JobHandler, ProcessOptions, Queue, QueueOptions } from './types.js';

interface Entry<P> {
  id: string;
  name: string;
  payload: P;
  attempts: number;
  attempt: number;
}

/**
 * The in-process queue: a FIFO of ready jobs, timers for delayed ones, and up to `concurrency` handlers
 * at once. Jobs live only in memory: after a restart the orchestrator re-dispatches from the database.
 */
export function createMemoryQueue<S extends z.ZodType>(opts: QueueOptions<S>): Queue<z.infer<S>> {
  type P = z.infer<S>;
  const ready: Entry<P>[] = [];
  let head = 0;
  const known = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let handler: JobHandler<P> | undefined;
  let concurrency = 1;
  let active = 0;
  let closed = false;
  let idle: (() => void) | undefined;

  const pump = () => {
    while (handler && !closed && active < concurrency && head < ready.length) {
      const entry = ready[head++]!;
      if (head > 1024 && head * 2 > ready.length) {
        ready.splice(0, head);
        head = 0;
      }
      active++;
      void run(entry);
    }
  };

  const enqueue = (entry: Entry<P>, delayMs: number) => {
    if (delayMs > 0) {
      const t = setTimeout(() => {
        timers.delete(t);
        if (closed) return;
        ready.push(entry);
        pump();
      }, delayMs);
      timers.add(t);
    } else {
      ready.push(entry);
      pump();
    }
  };

  async function run(entry: Entry<P>) {
    const job: Job<P> = { id: entry.id, name: entry.name, payload: entry.payload, attempt: entry.attempt };
    try {
      job.payload = parsePayload(opts.schema, opts.name, 'worker', entry.payload);
      await handler!(job);
      known.delete(entry.id);
    } catch (err) {
      if (entry.attempt < entry.attempts && !closed) {
        enqueue({ ...entry, attempt: entry.attempt + 1 }, backoffMs(entry.attempt));
      } else {
        known.delete(entry.id);
        opts.onFailed?.({ id: entry.id, name: entry.name }, err);
      }
    } finally {
      active--;
      if (active === 0 && idle) idle();
      // A burst of synchronous completions would recurse; keep the stack flat.
      if (head < ready.length) queueMicrotask(pump);
    }
  }

  async function addMany(jobs: { name: string; payload: P; opts: AddOptions }[]) {
    if (!jobs.length) return;
    if (closed) throw queueErrors.create('NH_QUEUE_CLOSED', `queue ${opts.name} is closed; job ${jobs[0]!.opts.jobId} was not added`);
    const parsed = jobs.map((j) => parsePayload(opts.schema, opts.name, 'enqueue', j.payload));
    for (const [i, { name, opts: o }] of jobs.entries()) {
      if (known.has(o.jobId)) continue;
      known.add(o.jobId);
      enqueue({ id: o.jobId, name, payload: parsed[i]!, attempts: Math.max(1, o.attempts ?? 1), attempt: 1 }, o.delayMs ?? 0);
    }
  }

  return {
    backend: 'memory',
    async add(name: string, payload: P, o: AddOptions) {
      await addMany([{ name, payload, opts: o }]);
    },
    addMany,
    async process(h: JobHandler<P>, p: ProcessOptions = {}) {
      handler = h;
      concurrency = Math.max(1, p.concurrency ?? 1);
      pump();
    },
    async has(jobId: string) {
      return known.has(jobId);
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      if (active > 0) await new Promise<void>((resolve) => (idle = resolve));
    },
  };
}
