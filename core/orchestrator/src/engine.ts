import type { NeonHubError } from '@neonhub/schemas';
import { createApprovals } from './approvals.js';
import { createEngineContext } from './context.js';
import { runErrors } from './errors.js';
import { createRecovery } from './recovery.js';
import { createRunLifecycle } from './runs.js';
import { createStepExecutor } from './steps.js';
import { createSubscriptions } from './subscriptions.js';
import type { OrchestratorDeps } from './types.js';
import { createWaitingQuery } from './waiting.js';

export {
  idempotencyKeyOf,
  type OrchestratorCallRequest,
  type OrchestratorCallResult,
  type OrchestratorDeps,
  type PlanContext,
  type RunView,
  type StartRunInput,
} from './types.js';
export type { RequestedApproval } from './waiting.js';

/**
 * The orchestrator. The database is the source of truth (runs, steps, run_events); the queue only
 * dispatches. A step is claimed with a conditional UPDATE (queued -> running, new lease), and its result is
 * written only while that lease still holds, so a re-delivered or stale job never applies twice. A step
 * without side effects is not claimed first: its job carries its input, and its result is written only while
 * it is still queued under that job's dispatch (see steps.ts).
 */
export function createOrchestrator(deps: OrchestratorDeps) {
  const ctx = createEngineContext(deps);
  const { plan, start, list, cancel } = createRunLifecycle(ctx);
  const { approve, reject } = createApprovals(ctx);
  const { execute, renewLeases } = createStepExecutor(ctx);
  const { recover } = createRecovery(ctx);
  const { listWaiting, approvalsRequested } = createWaitingQuery(ctx);
  const { subscribe, events, waitFor } = createSubscriptions(ctx);
  /** Results of acknowledged jobs still being stored. */
  const writes = new Set<Promise<void>>();
  let sweeper: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let closing = false;

  /**
   * Starts handling step jobs in this process (the host, or a `neonhub worker`): up to `concurrency` steps
   * run at once. A job is acknowledged as soon as its tool has run; its result is stored by the group commit
   * of successes while the queue hands over the next job (whose claim, when it needs one, goes out on its own
   * stream). Up to `maxUnstored` results (default 128, at least `concurrency`) may be waiting to be stored; the
   * next job waits while there are more. Every `recoverEveryMs` a recovery sweep dispatches again what a dead
   * worker left behind.
   */
  async function startWorker(opts: { concurrency?: number; maxUnstored?: number; recover?: boolean } = {}): Promise<void> {
    if (opts.recover !== false) await recover();
    const concurrency = opts.concurrency ?? 4;
    const maxUnstored = opts.maxUnstored ?? Math.max(128, concurrency);
    await deps.queue.process(
      async (job) => {
        while (writes.size >= maxUnstored) await Promise.race(writes);
        if (closing) throw runErrors.create('NH_RUN_STEP_INTERRUPTED', 'the worker is shutting down');
        let written: Promise<void>;
        try {
          ({ written } = await execute(job.payload));
        } catch (err) {
          deps.logger?.error({ err, job: job.payload }, 'step job failed; the step will be recovered');
          throw err;
        }
        const write = written
          .catch((err) =>
            deps.logger?.error(
              { err, job: job.payload },
              'storing a step result failed; the step is dispatched again once its lease expires',
            ),
          )
          .finally(() => writes.delete(write));
        writes.add(write);
      },
      { concurrency },
    );
    sweeper = every(ctx.recoverEveryMs, 'recovery sweep failed', () => (closing ? Promise.resolve() : recover({ sweep: true })));
    // Leases of the steps running here are renewed while they run (until close): a long tool keeps its step.
    heartbeat = every(Math.max(50, Math.floor(ctx.leaseMs / 3)), 'renewing step leases failed', renewLeases);
  }

  /** Runs `task` every `ms`, one run at a time however long one takes; a failure is logged. */
  function every(ms: number, failure: string, task: () => Promise<unknown>): NodeJS.Timeout {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      task()
        .catch((err) => deps.logger?.warn({ err }, failure))
        .finally(() => (running = false));
    }, ms);
    return timer.unref();
  }

  async function close(): Promise<void> {
    closing = true;
    clearInterval(sweeper);
    // Results being stored may still enqueue the steps they unblock: let them finish while the queue is open.
    await Promise.allSettled([...writes]);
    await deps.queue.close();
    await Promise.allSettled([...writes]);
    clearInterval(heartbeat); // only now: the steps still running kept their leases
    ctx.bus.removeAllListeners();
  }

  return {
    plan,
    start,
    get: ctx.get,
    list,
    listWaiting,
    approvalsRequested,
    approve,
    reject,
    cancel,
    recover,
    startWorker,
    subscribe,
    events,
    waitFor,
    execute,
    close,
    queue: deps.queue,
  };
}

export type Orchestrator = ReturnType<typeof createOrchestrator>;
export type { NeonHubError };
