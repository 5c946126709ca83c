import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { DB, Kysely, OutboxStatusValue } from '@neonhub/db';
import { createQueue, type Queue } from '@neonhub/queue';
import type { Actor, OutboxMessageDetail, OutboxMessageView, PluginManifest } from '@neonhub/schemas';
import { connectorErrors } from '@neonhub/sdk';
import { neonhubMetrics } from '@neonhub/telemetry';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { hostErrors } from '../errors.js';
import type { DeliveryOutcome, DeliveryRequest, OutboxOutcome, OutboxPort, OutboxSubmission } from '../pipeline/call-tool.js';
import type { DeliveredMessage } from '../results/sent.js';
import { createOutboxAdmin } from './admin.js';
import { createPacer } from './rate-limit.js';
import { type BackoffOptions, classify, errorJson } from './retry.js';
import * as store from './store.js';
import { asDuplicate, errorFromJson, providerIdOf, recipientsOf, toDetail, toView } from './views.js';

/** What the outbox needs of the call pipeline: one delivery attempt, and the end of a message (afterToolCall, record). */
export interface DeliveryPipeline {
  deliver(req: DeliveryRequest): Promise<DeliveryOutcome>;
  settleDelivery(req: DeliveryRequest, outcome: DeliveryOutcome): Promise<void>;
}

export interface OutboxOptions {
  db: Kysely<DB>;
  logger: Logger;
  pipeline: DeliveryPipeline;
  manifest(pluginId: string): PluginManifest | undefined;
  /** BullMQ on this Redis (and rate limits counted there); the in-process queue and in-memory limits without one. */
  redisUrl?: string;
  /** BullMQ and rate-limit key prefix (default `neonhub`). */
  prefix?: string;
  /** createHost starts delivering in its process unless this is false (an API-only process beside separate workers). */
  worker?: boolean;
  /** Deliveries at once in this process (default 16). */
  concurrency?: number;
  /** How long a claimed attempt holds its message before another worker may take it over (default 120 s). */
  leaseMs?: number;
  /** Failed attempts (429s not counted) before a message is dead (default 8). */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  /** How often the dispatcher looks for messages whose job was lost (a crash, a restart) (default 1 s). */
  sweepMs?: number;
  /** How long a caller waits for the first attempt, given the tool's timeout (default timeout + 2 s). */
  waitMs?(toolTimeoutMs: number): number;
  /**
   * Called once per delivered message, after it is stored as delivered (the results record its `sent` rows and a
   * sandbox connector's events here). Its failure never undoes the delivery.
   */
  onDelivered?(m: DeliveredMessage): Promise<void>;
  /** BullMQ: lock and stalled-check intervals (a killed worker's job is taken over after about these). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

const canonicalize = createRequire(import.meta.url)('canonicalize') as (input: unknown) => string | undefined;

export const OUTBOX_QUEUE_NAME = 'neonhub-outbox';
const JobSchema = z.object({ id: z.uuid(), dispatch: z.number().int().min(1) });
type OutboxJob = z.infer<typeof JobSchema>;
const jobIdOf = (id: string, dispatch: number) => `${id}_${dispatch}`;

export const inputHash = (input: unknown) =>
  createHash('sha256')
    .update(canonicalize(input ?? null) ?? 'null')
    .digest('hex');

const SETTLED: readonly OutboxStatusValue[] = ['delivered', 'dead', 'cancelled', 'retrying'];

export interface Outbox extends OutboxPort {
  readonly backend: 'memory' | 'bullmq';
  /** Starts delivering in this process (the worker and the sweeper). */
  start(): Promise<void>;
  list(
    workspaceId: string,
    opts: { status?: OutboxStatusValue; pluginId?: string; limit?: number; before?: string },
  ): Promise<{ messages: OutboxMessageView[]; counts: Record<string, number>; next: string | null }>;
  get(workspaceId: string, id: string): Promise<OutboxMessageDetail>;
  retry(workspaceId: string, id: string): Promise<OutboxMessageView>;
  cancel(workspaceId: string, id: string): Promise<OutboxMessageView>;
  /** Waits until nothing is due or being sent (tests, benches), at most `timeoutMs`. */
  drain(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The outbox: external sends written to the database before they are delivered, and the dispatcher that delivers
 * them (docs/outbox.md). The database is the record; the queue (BullMQ with Redis, in process otherwise) only
 * hands out attempts, and a sweep re-dispatches any message whose job was lost, so a crash loses nothing.
 */
export function createOutbox(opts: OutboxOptions): Outbox {
  const { db, logger } = opts;
  const concurrency = opts.concurrency ?? 16;
  const leaseMs = opts.leaseMs ?? 120_000;
  const maxAttempts = opts.maxAttempts ?? 8;
  const backoff = opts.backoff ?? { baseMs: 1000, maxMs: 300_000 };
  const sweepMs = opts.sweepMs ?? 1000;
  const waitMs = opts.waitMs ?? ((t: number) => t + 2000);
  const prefix = opts.prefix ?? 'neonhub';
  const metrics = neonhubMetrics();
  const queue: Queue<OutboxJob> = createQueue({
    name: OUTBOX_QUEUE_NAME,
    schema: JobSchema,
    ...(opts.redisUrl ? { redisUrl: opts.redisUrl } : {}),
    prefix,
    ...(opts.lockDurationMs ? { lockDurationMs: opts.lockDurationMs } : {}),
    ...(opts.stalledIntervalMs ? { stalledIntervalMs: opts.stalledIntervalMs } : {}),
    onFailed: (job, err) => logger.warn({ err, job: job.id }, 'outbox job failed (the sweep dispatches it again)'),
  });
  const redis = opts.redisUrl
    ? new Redis(opts.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false })
    : undefined;
  redis?.on('error', () => {}); // the queue reports Redis outages once
  const pacer = createPacer({ ...(redis ? { redis } : {}), prefix });

  /** Local waiters per message: woken when this process changes the message (other processes are polled). */
  const waiters = new Map<string, Set<() => void>>();
  const notify = (id: string) => {
    const set = waiters.get(id);
    if (set) for (const w of set) w();
  };
  let sweeper: NodeJS.Timeout | undefined;
  let closed = false;
  let started = false;

  const enqueue = async (id: string, dispatch: number, delayMs: number) => {
    try {
      await queue.add('deliver', { id, dispatch }, { jobId: jobIdOf(id, dispatch), ...(delayMs > 0 ? { delayMs } : {}) });
    } catch (err) {
      // The message is in the database: the sweep hands it out once the queue is back.
      logger.warn({ err, messageId: id }, 'outbox: could not queue a delivery; the sweep retries');
    }
  };

  const requestOf = (row: store.OutboxRow): DeliveryRequest => ({
    workspaceId: row.workspace_id,
    tool: row.tool,
    input: row.input,
    actor: row.actor as Actor,
    idempotencyKey: row.idempotency_key,
    callId: row.call_id,
    approvalId: row.approval_id,
  });

  /** One attempt of one message (a job): claim, pace, deliver, store the outcome. */
  async function handle(job: OutboxJob): Promise<void> {
    if (closed) return;
    const lease = randomUUID();
    const row = await store.claim(db, job.id, job.dispatch, lease, leaseMs);
    if (!row) return; // stale job: another dispatch, or settled
    const limits = opts.manifest(row.plugin_id)?.connector?.rateLimit;
    const account = row.connection ?? 'default';
    const wait = await pacer.acquire(row.plugin_id, account, limits).catch((err) => {
      logger.warn({ err }, 'outbox: rate limiter unavailable; sending unpaced');
      return 0;
    });
    if (wait > 0) {
      const d = await store.reschedule(db, row.id, lease, { delayMs: wait, failure: false, undo: true });
      if (d) await enqueue(row.id, d, wait);
      notify(row.id);
      return;
    }
    const req = requestOf(row);
    let outcome: DeliveryOutcome;
    try {
      outcome = await opts.pipeline.deliver(req);
    } finally {
      pacer.release(row.plugin_id, account);
    }
    if (outcome.ok) {
      metrics.recordOutboxAttempt(row.plugin_id, 'delivered');
      // recorded before the message is marked delivered, so whoever sees it delivered finds its results
      await opts
        .onDelivered?.({
          workspaceId: row.workspace_id,
          pluginId: row.plugin_id,
          tool: row.tool,
          idempotencyKey: row.idempotency_key,
          input: row.input,
          output: outcome.output,
          outboxId: row.id,
          deliveredAt: new Date(),
        })
        .catch((err) => logger.warn({ err }, 'outbox: recording the delivery failed'));
      if (await store.markDelivered(db, row.id, lease, outcome.output, providerIdOf(outcome.output))) {
        metrics.recordOutbox(row.plugin_id, 'delivered');
        notify(row.id);
        await opts.pipeline.settleDelivery(req, outcome).catch((err) => logger.warn({ err }, 'outbox: afterToolCall failed'));
      }
      return;
    }
    const error = errorJson(outcome.error);
    metrics.recordOutboxAttempt(row.plugin_id, error.code);
    const verdict = classify(error, { failures: row.failures, maxAttempts: row.max_attempts, previous: row.last_error }, backoff);
    if (verdict.action === 'retry') {
      const d = await store.reschedule(db, row.id, lease, { delayMs: verdict.delayMs, error, failure: verdict.failure });
      if (d) {
        metrics.recordOutbox(row.plugin_id, 'retried');
        await enqueue(row.id, d, verdict.delayMs);
      }
      logger.debug({ messageId: row.id, code: error.code, delayMs: verdict.delayMs }, 'outbox: attempt failed, retrying');
    } else if (await store.markDead(db, row.id, lease, error, verdict.failure)) {
      metrics.recordOutbox(row.plugin_id, 'dead');
      logger.warn({ messageId: row.id, tool: row.tool, code: error.code }, 'outbox: message is dead (an admin may retry it)');
      notify(row.id);
      await opts.pipeline.settleDelivery(req, outcome).catch((err) => logger.warn({ err }, 'outbox: afterToolCall failed'));
      return;
    }
    notify(row.id);
  }

  /** Hands out again every due message whose job is gone (a restart of the in-process queue, a lost Redis job). */
  async function sweep(): Promise<number> {
    let n = 0;
    for (const c of await store.orphanCandidates(db, 1000)) {
      if (closed) break;
      if (await queue.has(jobIdOf(c.id, c.dispatch))) continue;
      const d = await store.redispatch(db, c.id, c.dispatch);
      if (d) {
        await enqueue(c.id, d, 0);
        n++;
      }
    }
    return n;
  }

  async function waitForSettled(id: string, deadline: number): Promise<store.OutboxRow> {
    let row = await store.getRow(db, id);
    while (row && !SETTLED.includes(row.status) && Date.now() < deadline && !closed) {
      await new Promise<void>((resolve) => {
        const set = waiters.get(id) ?? new Set();
        waiters.set(id, set);
        const done = () => {
          clearTimeout(timer);
          set.delete(done);
          if (!set.size) waiters.delete(id);
          resolve();
        };
        // polled too: the attempt may run in another process (BullMQ workers)
        const timer = setTimeout(done, Math.min(250, Math.max(1, deadline - Date.now())));
        set.add(done);
      });
      row = await store.getRow(db, id);
    }
    if (!row) throw hostErrors.create('NH_OUTBOX_NOT_FOUND', `outbox message ${id} disappeared`);
    return row;
  }

  function outcomeOf(row: store.OutboxRow, created: boolean): OutboxOutcome {
    if (row.status === 'delivered') {
      const durationMs = row.delivered_at ? Math.max(0, new Date(row.delivered_at).getTime() - new Date(row.created_at).getTime()) : 0;
      return { kind: 'delivered', output: created ? row.result : asDuplicate(row.result), durationMs };
    }
    if (row.status === 'dead' && row.last_error) return { kind: 'failed', error: errorFromJson(row.last_error) };
    if (row.status === 'cancelled')
      return {
        kind: 'failed',
        error: hostErrors.create('NH_OUTBOX_CANCELLED', `outbox message ${row.id} (key ${row.idempotency_key}) was cancelled by an admin`, {
          details: { messageId: row.id },
        }),
      };
    return {
      kind: 'queued',
      result: {
        messageId: row.id,
        outboxStatus: row.status,
        attempts: row.attempts,
        nextAttemptAt: row.status === 'sending' ? null : new Date(row.next_attempt_at).toISOString(),
        lastError: row.last_error ? { code: row.last_error.code, message: row.last_error.message } : null,
        reason:
          row.status === 'retrying'
            ? `the first attempt failed (${row.last_error?.code ?? 'unknown'}); the outbox retries it`
            : 'queued in the outbox; it is sent as soon as the connector allows',
      },
    };
  }

  const admin = createOutboxAdmin({
    db,
    async requeued(row) {
      metrics.recordOutbox(row.plugin_id, 'requeued');
      await enqueue(row.id, row.dispatch, 0);
      notify(row.id);
    },
    cancelled(row) {
      metrics.recordOutbox(row.plugin_id, 'cancelled');
      notify(row.id);
    },
  });
  const outbox: Outbox = {
    backend: queue.backend,
    async submit(s: OutboxSubmission): Promise<OutboxOutcome> {
      const hash = inputHash(s.input);
      const { row, created } = await store.insertOrGet(db, {
        workspaceId: s.workspace.id,
        pluginId: s.pluginId,
        tool: s.tool,
        idempotencyKey: s.idempotencyKey,
        input: s.input,
        inputHash: hash,
        actor: s.actor,
        callId: s.callId,
        approvalId: s.approvalId ?? null,
        channel: s.manifest.connector?.channels[0] ?? null,
        connection:
          typeof (s.input as { connection?: unknown })?.connection === 'string' ? (s.input as { connection: string }).connection : null,
        recipients: recipientsOf(s.input),
        maxAttempts,
      });
      if (!created && row.input_hash !== hash)
        throw connectorErrors.create(
          'NH_CONNECTOR_IDEMPOTENCY_CONFLICT',
          `idempotency key ${s.idempotencyKey} of ${s.tool} already names another message (outbox ${row.id}): send it with a new key`,
          { details: { messageId: row.id, tool: s.tool, idempotencyKey: s.idempotencyKey } },
        );
      if (created) {
        metrics.recordOutbox(s.pluginId, 'queued');
        await enqueue(row.id, row.dispatch, 0);
      }
      const settled = SETTLED.includes(row.status) ? row : await waitForSettled(row.id, Date.now() + waitMs(s.timeoutMs));
      return outcomeOf(settled, created);
    },
    async start() {
      if (started || closed) return;
      started = true;
      await queue.process(async (job) => handle(job.payload), { concurrency });
      const tick = async () => {
        try {
          await sweep();
        } catch (err) {
          logger.warn({ err }, 'outbox: sweep failed');
        }
        if (!closed) sweeper = setTimeout(tick, sweepMs);
      };
      await tick();
    },
    ...admin,
    async drain(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const r = await db
          .selectFrom('outbox_messages')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('status', 'in', ['queued', 'sending'])
          .executeTakeFirstOrThrow();
        if (Number(r.n) === 0 || Date.now() > deadline) return;
        await new Promise((res) => setTimeout(res, 50));
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (sweeper) clearTimeout(sweeper);
      for (const set of waiters.values()) for (const w of set) w();
      await queue.close();
      redis?.disconnect();
    },
  };
  return outbox;
}
