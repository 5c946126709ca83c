import { createQueue, type Queue } from '@neonhub/queue';
import { doneStatusFor, isNeonHubError, type ScheduleStatus } from '@neonhub/schemas';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CallToolRequest, CallToolResult } from '../pipeline/call-tool.js';
import type { ScheduleService } from './service.js';
import { type Claimed, SYSTEM_OWNER } from './store.js';

/**
 * A recurring task of the host itself (not a plugin's tool call), run from a schedule owned by SYSTEM_OWNER whose
 * `tool` names it: claimed like any schedule (once across hosts, BullMQ delayed job or the poll), so it survives
 * restarts. `run` returns when to run next (null: stop, the row ends cancelled, from which it can be scheduled again).
 */
export interface SystemTask {
  run(row: Claimed): Promise<{ result: unknown; nextRunAt: Date | null }>;
  /** Creates the task's missing schedules (at the runner's start). */
  ensure?(): Promise<void>;
}

const JobSchema = z.object({ id: z.uuid(), version: z.number().int() });

export interface ScheduleRunnerOptions {
  service: ScheduleService;
  callTool(req: CallToolRequest): Promise<CallToolResult>;
  logger: Logger;
  /** BullMQ delayed jobs on this Redis; without it the database-polled timer alone. */
  redisUrl?: string;
  prefix?: string;
  /** How often the database is polled for due (and abandoned) schedules: default 1 s embedded, 15 s with BullMQ. */
  pollMs?: number;
  /** How long a claimed schedule belongs to this host before another may start it again (default 10 min). */
  leaseMs?: number;
  /** The host's own recurring tasks, by name (schedules owned by SYSTEM_OWNER). */
  tasks?: Readonly<Record<string, SystemTask>>;
}

export interface ScheduleRunner {
  readonly backend: 'poll' | 'bullmq';
  /** Claims and runs what is due now (what the timers do); resolves when those calls finished. */
  tick(): Promise<number>;
  close(): Promise<void>;
}

type Outcome = { status: ScheduleStatus; error?: { code: string; message: string }; result?: unknown };

/** What a schedule becomes after its call: the channel's done status, or what the tool reported, or failed with the error. */
export function outcomeOf(channel: string, result: CallToolResult): Outcome {
  if (result.status === 'pending_approval')
    return { status: 'pending_approval', error: { code: 'pending_approval', message: result.reason } };
  if (result.status === 'queued') return { status: 'queued', error: { code: 'queued', message: result.reason } };
  const out = result.output as { status?: unknown; reason?: unknown; counts?: unknown } | undefined;
  if (out?.status === 'pending_approval')
    return {
      status: 'pending_approval',
      error: { code: 'pending_approval', message: typeof out.reason === 'string' ? out.reason : 'held for approval' },
      result: out,
    };
  if (out?.status === 'queued')
    return {
      status: 'queued',
      error: { code: 'queued', message: typeof out.reason === 'string' ? out.reason : 'handed to the outbox, which keeps delivering' },
      result: out,
    };
  if (out?.status === 'partial')
    return {
      status: 'partial',
      error: { code: 'partial', message: `not every part went out: ${JSON.stringify(out.counts ?? {})}` },
      result: out,
    };
  return { status: doneStatusFor(channel), result: out };
}

/**
 * Fires due schedules through the host's call pipeline (governance, approvals, audit), as the schedule's creator,
 * with idempotency key `schedule:<id>`. Embedded: a timer polls the database (and wakes early for a schedule due
 * before the next poll). With REDIS_URL: a BullMQ delayed job per schedule version (any host's worker takes it;
 * a job for a version moved or cancelled since claims nothing), plus a slower poll as the safety net. Both claim
 * with one conditional UPDATE, so two hosts, a restart race or a job and the poll never fire one schedule twice.
 */
export async function startScheduleRunner(opts: ScheduleRunnerOptions): Promise<ScheduleRunner> {
  const { service, logger } = opts;
  const { store, clock } = service;
  const leaseMs = opts.leaseMs ?? 600_000;
  const pollMs = opts.pollMs ?? (opts.redisUrl ? 15_000 : 1_000);
  const inFlight = new Set<Promise<void>>();
  let closed = false;
  let queue: Queue<z.infer<typeof JobSchema>> | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let wakeTimer: NodeJS.Timeout | undefined;
  let wakeAt = Number.POSITIVE_INFINITY;

  /** A system task's run: its next run scheduled again (also after a failure, so one bad pull does not stop it). */
  async function runTask(row: Claimed, task: SystemTask | undefined): Promise<void> {
    const log = { scheduleId: row.id, task: row.tool, workspaceId: row.workspace_id };
    if (!task) {
      await store.finish(
        row,
        { status: 'failed', error: { code: 'NH_SCHEDULE_TOOL_NOT_ALLOWED', message: `this host has no task ${row.tool}` } },
        new Date(clock.now()),
      );
      logger.warn(log, 'system schedule for a task this host does not know');
      return;
    }
    let next: { result: unknown; nextRunAt: Date | null };
    try {
      next = await task.run(row);
    } catch (err) {
      logger.warn({ ...log, err }, 'system task failed; it runs again at its next time');
      next = { result: { error: err instanceof Error ? err.message : String(err) }, nextRunAt: new Date(clock.now() + 15 * 60_000) };
    }
    const now = new Date(clock.now());
    const after = next.nextRunAt
      ? await store.repeat(row, next.nextRunAt, next.result, now)
      : await store.finish(row, { status: 'cancelled', result: next.result }, now);
    if (after?.status === 'scheduled') {
      const runAt = new Date(after.run_at).getTime();
      if (queue) await enqueue(after.id, after.version, runAt);
      else wakeFor(runAt);
    }
  }

  async function fire(row: Claimed): Promise<void> {
    if (row.plugin_id === SYSTEM_OWNER) return runTask(row, opts.tasks?.[row.tool]);
    const log = { scheduleId: row.id, tool: row.tool, attempt: row.attempts };
    let outcome: Outcome;
    try {
      const result = await opts.callTool({
        workspace: row.workspace_id,
        tool: row.tool,
        input: row.input,
        actor: row.actor as CallToolRequest['actor'],
        idempotencyKey: `schedule:${row.id}`,
      });
      outcome = outcomeOf(row.channel, result);
    } catch (err) {
      const error = isNeonHubError(err)
        ? { code: err.code, message: err.message }
        : { code: 'NH_TOOL_FAILED', message: err instanceof Error ? err.message : String(err) };
      outcome = { status: 'failed', error };
    }
    const finished = await store.finish(row, outcome, new Date(clock.now()));
    if (finished) logger.info({ ...log, status: outcome.status, error: outcome.error }, 'schedule ran');
    else logger.warn(log, 'schedule ran, but another host started it again meanwhile: its outcome is the one kept');
  }

  const track = (p: Promise<void>) => {
    const t = p.catch((err) => logger.error({ err }, 'schedule runner failed')).finally(() => inFlight.delete(t));
    inFlight.add(t);
    return t;
  };

  /** Claims what is due and starts each call; the promises settle when the calls finished. */
  async function claimAndStart(): Promise<Promise<void>[]> {
    if (closed) return [];
    const started: Promise<void>[] = [];
    for (;;) {
      const claimed = await store.claimDue(new Date(clock.now()), leaseMs, 20);
      started.push(...claimed.map((row) => track(fire(row))));
      if (claimed.length < 20 || closed) return started;
    }
  }

  async function tick(): Promise<number> {
    const started = await claimAndStart();
    await Promise.all(started);
    return started.length;
  }

  /** Embedded: sleep until the next due schedule or the next poll, whichever comes first. */
  async function poll() {
    clearTimeout(pollTimer);
    if (closed) return;
    try {
      await claimAndStart();
    } catch (err) {
      logger.warn({ err }, 'schedule poll failed; trying again');
    }
    if (!closed) pollTimer = setTimeout(() => void poll(), pollMs);
  }

  function wakeFor(runAt: number) {
    const at = Math.max(runAt, clock.now());
    if (at >= wakeAt || at - clock.now() >= pollMs) return;
    clearTimeout(wakeTimer);
    wakeAt = at;
    wakeTimer = setTimeout(
      () => {
        wakeAt = Number.POSITIVE_INFINITY;
        void poll();
      },
      Math.max(0, at - clock.now()),
    );
  }

  const enqueue = (id: string, version: number, runAt: number) =>
    queue!.add('fire', { id, version }, { jobId: `${id}.${version}`, delayMs: Math.max(0, runAt - clock.now()) });

  for (const [name, task] of Object.entries(opts.tasks ?? {}))
    await task.ensure?.().catch((err) => logger.warn({ err, task: name }, 'could not create the schedules of a system task'));

  if (opts.redisUrl) {
    queue = createQueue({
      name: 'schedules',
      schema: JobSchema,
      redisUrl: opts.redisUrl,
      ...(opts.prefix ? { prefix: opts.prefix } : {}),
      onFailed: (job, err) => logger.error({ err, job: job.id }, 'schedule job failed'),
    });
    await queue.process(
      async (job) => {
        const row = await store.claim(job.payload.id, job.payload.version, new Date(clock.now() + 1000), leaseMs);
        if (row) await track(fire(row));
      },
      { concurrency: 4 },
    );
    // Schedules made while no runner was up (a CLI, a host without Redis) get their job now; existing ids are no-ops.
    for (const p of await store.pending(100_000)) await enqueue(p.id, p.version, new Date(p.run_at).getTime());
  }

  const off = service.onChange((change) => {
    if (change.type === 'cancelled') return;
    const runAt = Date.parse(change.schedule.runAt);
    if (queue)
      void enqueue(change.schedule.id, change.schedule.version, runAt).catch((err) =>
        logger.warn({ err, scheduleId: change.schedule.id }, 'could not add the schedule job; the poll will fire it'),
      );
    else wakeFor(runAt);
  });

  // A schedule due while no host ran fires now, once (the claim is the once).
  void poll();
  logger.info({ backend: queue ? 'bullmq' : 'poll', pollMs }, 'schedule runner started');

  return {
    backend: queue ? 'bullmq' : 'poll',
    tick,
    async close() {
      closed = true;
      off();
      clearTimeout(pollTimer);
      clearTimeout(wakeTimer);
      await queue?.close();
      await Promise.allSettled([...inFlight]);
    },
  };
}
