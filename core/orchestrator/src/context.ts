import { EventEmitter } from 'node:events';
import type { DB, Kysely } from '@neonhub/db';
import type { RunStatus } from '@neonhub/schemas';
import { Batcher } from './batch.js';
import { runErrors } from './errors.js';
import { jobIdOf, type StepJob } from './jobs.js';
import { appendEvent, type Db, TERMINAL_RUN, type Trx, toRun, toStep } from './store.js';
import {
  type AfterRequest,
  type AfterResult,
  type ClaimedStep,
  type ClaimRequest,
  type CompleteRequest,
  claimSteps,
  completeSteps,
  dispatchAfterMany,
  RunGraphs,
  settleRun,
  skipSteps,
} from './transitions.js';
import type { OrchestratorDeps, RunView } from './types.js';

/** What the orchestrator's parts share: the deps, settings, the local event bus, the batchers, and the common transitions. */
export interface EngineContext {
  deps: OrchestratorDeps;
  db: Kysely<DB>;
  maxAttempts: number;
  backoffBase: number;
  leaseMs: number;
  recoverEveryMs: number;
  markRunningAfterMs: number;
  pollMs: number;
  /** Local change notifications: `<runId>` for events, `<runId>:status` for status changes. */
  bus: EventEmitter;
  graphs: RunGraphs;
  /** Claims a step for a dispatch (see transitions.ts); undefined when it did not claim. */
  claim(req: ClaimRequest): Promise<ClaimedStep | undefined>;
  /**
   * Stores a step's success (ignored when it was cancelled meanwhile or its lease was taken over) and
   * dispatches the dependents it unblocked, settling the run when nothing of it is left queued or running.
   */
  complete(req: Omit<CompleteRequest, 'candidates'>): Promise<void>;
  tx<T>(fn: (trx: Trx) => Promise<T>): Promise<T>;
  /** Locks the run row first (FOR NO KEY UPDATE): cancel uses it, so it serializes with `neonhub_settle_run`. */
  runTx<T>(runId: string, fn: (trx: Trx) => Promise<T>): Promise<T>;
  /** A change of the run's events (subscribers re-read the log). */
  notify(runId: string): void;
  /** A change of the run's status (waitFor re-reads it). */
  notifyStatus(runId: string): void;
  /** After a run's final status is committed: its `run.summary` event from `deps.summarizeRun`, if any. */
  finished(runId: string): Promise<void>;
  get(runId: string, workspaceId?: string): Promise<RunView>;
  enqueue(jobs: StepJob[], delayMs?: number): Promise<void>;
  /** Recomputes the run's status under its row lock (see transitions.ts); wakes waiters when it changed. */
  settle(runId: string): Promise<void>;
  /** After a run's new status is committed: its summary when it finished, and its waiters woken. */
  settled(runId: string, status: RunStatus): Promise<void>;
  /**
   * After a committed transition of `stepId` (or of the run, without one): dispatches the dependents it
   * unblocked and, when nothing of the run is queued or running any more, settles the run's status (one statement).
   */
  afterTransition(runId: string, stepId: string | null): Promise<void>;
  /** Marks every not-yet-started step downstream of `stepId` skipped. */
  skipDescendants(trx: Trx, runId: string, stepId: string): Promise<void>;
}

export function createEngineContext(deps: OrchestratorDeps): EngineContext {
  const db = deps.db;
  const leaseMs = deps.leaseMs ?? 30_000;
  const bus = new EventEmitter().setMaxListeners(0);

  const tx = <T>(fn: (trx: Trx) => Promise<T>) => db.transaction().execute(fn);
  const runTx = <T>(runId: string, fn: (trx: Trx) => Promise<T>) =>
    tx(async (trx) => {
      await trx.selectFrom('runs').select('id').where('id', '=', runId).forNoKeyUpdate().execute();
      return fn(trx);
    });
  const graphs = new RunGraphs();
  // Group commit of the claims, and of the successes, of the steps this process runs at once (see batch.ts).
  // Two streams: a claim (on each step's critical path) never waits behind a batch of successes, which
  // take run locks.
  const claims = new Batcher((reqs: ClaimRequest[]) => claimSteps(db as Db, reqs, leaseMs));
  const completions = new Batcher((reqs: CompleteRequest[]) => completeSteps(db as Db, reqs), { max: 256 });
  const afters = new Batcher((reqs: AfterRequest[]) => dispatchAfterMany(db as Db, reqs));
  const notify = (runId: string) => {
    bus.emit(runId);
  };
  const notifyStatus = (runId: string) => {
    bus.emit(`${runId}:status`);
    bus.emit(runId);
  };

  async function get(runId: string, workspaceId?: string): Promise<RunView> {
    const run = await db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst();
    if (!run || (workspaceId && run.workspace_id !== workspaceId))
      throw runErrors.create('NH_RUN_NOT_FOUND', `no run ${runId}`, { details: { runId } });
    const steps = await db.selectFrom('steps').selectAll().where('run_id', '=', runId).orderBy('seq').execute();
    return { run: toRun(run), steps: steps.map(toStep) };
  }

  async function enqueue(jobs: StepJob[], delayMs = 0) {
    // Queue-level attempts cover infrastructure failures (a database error mid-transition); a re-delivered job
    // waits out the lease it left behind, then claims the step again.
    for (let i = 0; i < jobs.length; i += 500)
      await deps.queue.addMany(
        jobs.slice(i, i + 500).map((j) => ({
          name: 'step',
          payload: j,
          opts: { jobId: jobIdOf(j), attempts: 5, ...(delayMs ? { delayMs } : {}) },
        })),
      );
  }

  async function finished(runId: string): Promise<void> {
    if (!deps.summarizeRun) return;
    try {
      const summary = await deps.summarizeRun(await get(runId));
      if (summary) await appendEvent(db as Db, runId, null, 'run.summary', summary);
    } catch (err) {
      deps.logger?.warn({ err, runId }, 'the summary of a finished run could not be written');
    }
  }

  async function settle(runId: string): Promise<void> {
    const status = await settleRun(db as Db, runId);
    if (status) await settled(runId, status);
  }

  async function settled(runId: string, status: RunStatus): Promise<void> {
    if ((TERMINAL_RUN as readonly string[]).includes(status)) {
      graphs.forget(runId);
      await finished(runId);
    }
    notifyStatus(runId);
  }

  /** After a batch's statement: enqueues the dependents it dispatched; the run's status was settled in it. */
  async function dispatched(runId: string, { jobs, settled: status }: AfterResult): Promise<void> {
    await enqueue(jobs);
    if (status) await settled(runId, status);
    notify(runId);
  }

  async function afterTransition(runId: string, stepId: string | null): Promise<void> {
    const candidates = stepId ? await graphs.dependents(db as Db, runId, stepId) : [];
    await dispatched(runId, await afters.push({ runId, candidates }));
  }

  const claim = (req: ClaimRequest) => claims.push(req);

  async function complete(req: Omit<CompleteRequest, 'candidates'>): Promise<void> {
    const candidates = await graphs.dependents(db as Db, req.runId, req.stepId);
    // Even when this result was ignored: the jobs a batch dispatched for a run go to its first request.
    await dispatched(req.runId, await completions.push({ ...req, candidates }));
  }

  async function skipDescendants(trx: Trx, runId: string, stepId: string): Promise<void> {
    await skipSteps(trx, runId, await graphs.descendants(trx, runId, stepId), stepId);
  }

  return {
    deps,
    db,
    maxAttempts: deps.maxAttempts ?? 3,
    backoffBase: deps.backoffBaseMs ?? 500,
    leaseMs,
    recoverEveryMs: deps.recoverEveryMs ?? leaseMs,
    markRunningAfterMs: deps.markRunningAfterMs ?? 250,
    pollMs: deps.pollMs ?? 1000,
    bus,
    graphs,
    claim,
    complete,
    tx,
    runTx,
    notify,
    notifyStatus,
    finished,
    get,
    enqueue,
    settle,
    settled,
    afterTransition,
    skipDescendants,
  };
}
