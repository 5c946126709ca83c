import { Queue as BullQueue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { z } from 'zod';
import { queueErrors } from './errors.js';
import { parsePayload } from './payload.js';
import { redisTarget } from './redis-check.js';
import type { AddOptions, JobHandler, ProcessOptions, Queue, QueueOptions } from './types.js';

const connect = (url: string) => new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });

/**
 * BullMQ on Redis: jobs survive a restart; any number of worker processes share them. A job whose worker
 * died (SIGKILL) is taken over by another worker once its lock expires (`lockDurationMs`) and a stalled
 * check runs (`stalledIntervalMs`). Completed and failed jobs are removed, so a job id can be reused later.
 */
export function createBullQueue<S extends z.ZodType>(opts: QueueOptions<S> & { redisUrl: string }): Queue<z.infer<S>> {
  type P = z.infer<S>;
  const prefix = opts.prefix ?? 'neonhub';
  const producerConn = connect(opts.redisUrl);
  // ioredis reconnects on its own and a failed command reports its error; an outage is told once, not per attempt
  // (BullMQ prints every connection error of a queue without an 'error' listener).
  const outage = connectionReporter(opts.redisUrl, opts.onConnection);
  producerConn.on('error', outage.lost);
  producerConn.on('ready', outage.back);
  const queue = new BullQueue(opts.name, { connection: producerConn, prefix });
  queue.on('error', outage.lost);
  let worker: Worker | undefined;
  let workerConn: Redis | undefined;
  let closed = false;

  async function addMany(jobs: { name: string; payload: P; opts: AddOptions }[]) {
    if (!jobs.length) return;
    if (closed) throw queueErrors.create('NH_QUEUE_CLOSED', `queue ${opts.name} is closed; job ${jobs[0]!.opts.jobId} was not added`);
    const bulk = jobs.map(({ name, payload, opts: o }) => ({
      name,
      data: parsePayload(opts.schema, opts.name, 'enqueue', payload),
      opts: {
        jobId: o.jobId,
        ...(o.delayMs ? { delay: o.delayMs } : {}),
        attempts: Math.max(1, o.attempts ?? 1),
        backoff: { type: 'exponential' as const, delay: 100 },
        removeOnComplete: true,
        removeOnFail: true,
      },
    }));
    try {
      if (bulk.length === 1) await queue.add(bulk[0]!.name, bulk[0]!.data, bulk[0]!.opts);
      else await queue.addBulk(bulk);
    } catch (cause) {
      const ids = jobs.length === 1 ? `job ${jobs[0]!.opts.jobId}` : `${jobs.length} jobs`;
      throw queueErrors.create('NH_QUEUE_UNAVAILABLE', `could not add ${ids} to ${opts.name}: ${(cause as Error).message}`, { cause });
    }
  }

  return {
    backend: 'bullmq',
    async add(name: string, payload: P, o: AddOptions) {
      await addMany([{ name, payload, opts: o }]);
    },
    addMany,
    async process(handler: JobHandler<P>, p: ProcessOptions = {}) {
      workerConn = connect(opts.redisUrl);
      workerConn.on('error', outage.lost);
      worker = new Worker(
        opts.name,
        async (job) => {
          const payload = parsePayload(opts.schema, opts.name, 'worker', job.data);
          await handler({ id: job.id ?? '', name: job.name, payload, attempt: job.attemptsMade + 1 });
        },
        {
          connection: workerConn,
          prefix,
          concurrency: Math.max(1, p.concurrency ?? 1),
          lockDuration: opts.lockDurationMs ?? 30_000,
          stalledInterval: opts.stalledIntervalMs ?? 30_000,
          maxStalledCount: 1000,
          autorun: true,
        },
      );
      worker.on('failed', (job, err) => {
        if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) opts.onFailed?.({ id: job.id ?? '', name: job.name }, err);
      });
      worker.on('error', outage.lost);
      await worker.waitUntilReady();
    },
    async has(jobId: string) {
      const state = await queue.getJobState(jobId);
      return state === 'waiting' || state === 'delayed' || state === 'active' || state === 'prioritized' || state === 'waiting-children';
    },
    async close() {
      closed = true;
      if (outage.isDown()) {
        // Redis is gone: a graceful close would wait for it forever (SIGTERM hung). Drop the connections, then close.
        workerConn?.disconnect();
        producerConn.disconnect();
        await bounded(worker?.close(true), 2000);
        await bounded(queue.close(), 2000);
        return;
      }
      await worker?.close();
      await queue.close();
      workerConn?.disconnect();
      producerConn.disconnect();
    },
  };
}

/** One report when Redis is lost, one when it is back; nothing in between. */
function connectionReporter(url: string, report: QueueOptions<z.ZodType>['onConnection']) {
  const tell =
    report ??
    ((e: { state: 'lost' | 'back'; message: string }) =>
      process.stderr.write(`${e.state === 'lost' ? 'NH_QUEUE_UNAVAILABLE: ' : ''}${e.message}\n`));
  let down = false;
  return {
    lost(err: Error) {
      if (down) return;
      down = true;
      const reason = (err as NodeJS.ErrnoException).code ?? err.message;
      tell({ state: 'lost', message: `Redis at ${redisTarget(url)} (REDIS_URL) is unreachable (${reason}); run steps wait, reconnecting` });
    },
    back() {
      if (!down) return;
      down = false;
      tell({ state: 'back', message: `Redis at ${redisTarget(url)} is reachable again` });
    },
    isDown: () => down,
  };
}

/** Waits for `p` at most `ms` (its failure ignored). */
async function bounded(p: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p?.catch(() => {}), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/** Deletes every key under a prefix (tests clean up their unique prefix with it). */
export async function deleteBullPrefix(redisUrl: string, prefix: string): Promise<number> {
  const r = connect(redisUrl);
  try {
    let cursor = '0';
    let n = 0;
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) n += await r.del(...keys);
    } while (cursor !== '0');
    return n;
  } finally {
    r.disconnect();
  }
}
