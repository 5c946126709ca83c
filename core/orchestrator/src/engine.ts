import type { NeonHubError } from '@neonhub/schemas';
import { createApprovals } from './approvals.js';
import { createEngineContext } from './context.js';
import { runErrors } from './errors.js';
import { createRecovery } from './recovery.js';
import { createRunLifecycle } from './runs.js';
import { createStepExecutor } from './steps.js';
import { createSubscriptions } from './subscriptions.js';
import type { OrchestratorDeps } from './types.js';

export {
  idempotencyKeyOf,
  type OrchestratorCallRequest,
  type OrchestratorCallResult,
  type OrchestratorDeps,
  type RunView,
  type StartRunInput,
} from './types.js';

/**
 * The orchestrator. The database is the source of truth (runs, steps, run_events); the queue only
 * dispatches. A step is claimed with a conditional UPDATE (queued -> running, new lease), and its result is
 * written only while that lease still holds, so a re-delivered or stale job never applies twice.
 */
export function createOrchestrator(deps: OrchestratorDeps) {
  const ctx = createEngineContext(deps);
  const { plan, start, list, cancel } = createRunLifecycle(ctx);
  const { approve, reject } = createApprovals(ctx);
  const { execute } = createStepExecutor(ctx);
  const { recover } = createRecovery(ctx);
  const { subscribe, events, waitFor } = createSubscriptions(ctx);
  const active = new Set<Promise<unknown>>();
  let closing = false;

  /** Starts handling step jobs in this process (the host, or a `neonhub worker`). */
  async function startWorker(opts: { concurrency?: number; recover?: boolean } = {}): Promise<void> {
    if (opts.recover !== false) await recover();
    await deps.queue.process(
      async (job) => {
        if (closing) throw runErrors.create('NH_RUN_STEP_INTERRUPTED', 'the worker is shutting down');
        const p = execute(job.payload);
        active.add(p);
        try {
          await p;
        } catch (err) {
          deps.logger?.error({ err, job: job.payload }, 'step job failed; the step will be recovered');
          throw err;
        } finally {
          active.delete(p);
        }
      },
      { concurrency: opts.concurrency ?? 4 },
    );
  }

  async function close(): Promise<void> {
    closing = true;
    await deps.queue.close();
    await Promise.allSettled([...active]);
    ctx.bus.removeAllListeners();
  }

  return {
    plan,
    start,
    get: ctx.get,
    list,
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
