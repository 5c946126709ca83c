import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { DB, Kysely } from '@neonhub/db';
import { type Actor, isNeonHubError, type NeonHubError, type Plan, type Run, type RunEvent, type Step } from '@neonhub/schemas';
import { neonhubMetrics, traceRunStep } from '@neonhub/telemetry';
import { sql } from 'kysely';
import { Batcher } from './batch.js';
import { runErrors } from './errors.js';
import { jobIdOf, type StepJob, type StepQueue } from './jobs.js';
import { type PlannerLlm, planWithLlm } from './planner-llm.js';
import { type PlanParams, planOffline } from './planner-offline.js';
import { appendEvent, type Db, readEvents, TERMINAL_RUN, type Trx, toRun, toStep } from './store.js';
import { type ErrorJson, withRunTables } from './tables.js';
import { resolveTemplates } from './template.js';
import {
  type AfterRequest,
  type ClaimRequest,
  type CompleteRequest,
  claimSteps,
  completeSteps,
  dispatchAfterMany,
  RunGraphs,
  requeueStep,
  settleRun,
  skipSteps,
} from './transitions.js';
import { type ToolInfo, validatePlan } from './validate-plan.js';

export type OrchestratorCallResult =
  | { status: 'ok'; output: unknown }
  | { status: 'pending_approval'; approvalId?: string; reason: string };

export interface OrchestratorCallRequest {
  workspace: string;
  tool: string;
  input: unknown;
  actor: Actor;
  idempotencyKey?: string;
  approvalId?: string;
}

export interface OrchestratorDeps {
  db: Kysely<DB>;
  queue: StepQueue;
  /** The host pipeline's callTool (every step goes through governance, audit and the rest). */
  callTool(req: OrchestratorCallRequest): Promise<OrchestratorCallResult>;
  /** The tools enabled in a workspace, with input JSON Schemas (plans are validated against them). */
  tools(workspaceId: string): Promise<ToolInfo[]>;
  resolveWorkspace(slugOrId: string): Promise<{ id: string; slug: string }>;
  isEnabled(workspaceId: string, pluginId: string): boolean | Promise<boolean>;
  /** A model for the LLM planner; without one (or when it is the offline model) the rule planner plans. */
  planner?(workspaceId: string): PlannerLlm | undefined;
  logger?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Tries per step for transient and third-party failures (default 3). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt, capped at 30 s (default 500 ms). */
  backoffBaseMs?: number;
  /** How long a claimed step is owned before another worker may take it over (default 60 s; keep above the tool timeout). */
  leaseMs?: number;
  /** How often subscribers re-read the event log for events written by other processes (default 1000 ms). */
  pollMs?: number;
}

export interface StartRunInput {
  workspace: string;
  goal: string;
  actor: Actor;
  params?: PlanParams;
  /** A plan given by the caller instead of planning the goal (validated the same way). */
  plan?: unknown;
}

export interface RunView {
  run: Run;
  steps: Step[];
}

const RETRYABLE = new Set(['transient', 'third_party']);
const GOVERNANCE = 'governance';
export const idempotencyKeyOf = (runId: string, stepId: string) => `run:${runId}:step:${stepId}`;

function errorJson(err: unknown): ErrorJson {
  if (isNeonHubError(err)) return { code: err.code, message: err.message, category: err.category };
  return { code: 'NH_INTERNAL', message: err instanceof Error ? err.message : String(err), category: 'internal' };
}

/**
 * The orchestrator. The database is the source of truth (runs, steps, run_events); the queue only
 * dispatches. A step is claimed with a conditional UPDATE (queued -> running, new lease), and its result is
 * written only while that lease still holds, so a re-delivered or stale job never applies twice.
 */
export function createOrchestrator(deps: OrchestratorDeps) {
  const db = withRunTables(deps.db);
  const maxAttempts = deps.maxAttempts ?? 3;
  const backoffBase = deps.backoffBaseMs ?? 500;
  const leaseMs = deps.leaseMs ?? 60_000;
  const pollMs = deps.pollMs ?? 1000;
  const bus = new EventEmitter().setMaxListeners(0);
  const active = new Set<Promise<unknown>>();
  let closing = false;

  const tx = <T>(fn: (trx: Trx) => Promise<T>) => db.transaction().execute(fn);
  /** Locks the run row first (FOR NO KEY UPDATE): cancel uses it, so it serializes with `settleRun`. */
  const runTx = <T>(runId: string, fn: (trx: Trx) => Promise<T>) =>
    tx(async (trx) => {
      await trx.selectFrom('runs').select('id').where('id', '=', runId).forNoKeyUpdate().execute();
      return fn(trx);
    });
  const graphs = new RunGraphs();
  // Group commit of the per-step statements across the steps this process runs at once (see batch.ts).
  const claims = new Batcher((reqs: ClaimRequest[]) => claimSteps(db as Db, reqs, leaseMs));
  const completions = new Batcher((reqs: CompleteRequest[]) => completeSteps(db as Db, reqs));
  const afters = new Batcher((reqs: AfterRequest[]) => dispatchAfterMany(db as Db, reqs));
  /** A change of the run's events (subscribers re-read the log). */
  const notify = (runId: string) => bus.emit(runId);
  /** A change of the run's status (waitFor re-reads it). */
  const notifyStatus = (runId: string) => {
    bus.emit(`${runId}:status`);
    bus.emit(runId);
  };

  async function listTools(workspaceId: string) {
    return deps.tools(workspaceId);
  }

  /** Plans a goal (or checks a given plan) against the workspace's enabled tools; stores nothing. */
  async function plan(workspace: string, goal: string, params: PlanParams = {}, given?: unknown): Promise<{ plan: Plan; planner: string }> {
    const ws = await deps.resolveWorkspace(workspace);
    const tools = await listTools(ws.id);
    if (given !== undefined) return { plan: validatePlan(given, tools), planner: 'given' };
    const llm = deps.planner?.(ws.id);
    if (llm) return { plan: validatePlan(await planWithLlm(llm, goal, tools, params), tools), planner: 'llm' };
    return { plan: validatePlan(planOffline(goal, tools, params), tools), planner: 'offline' };
  }

  /** Plans, validates and stores a run, and dispatches the steps that depend on nothing, in one transaction. */
  async function start(input: StartRunInput): Promise<RunView> {
    const goal = input.goal.trim();
    if (!goal || goal.length > 4000) throw runErrors.create('NH_RUN_PLAN_INVALID', 'the goal must be 1 to 4000 characters');
    const ws = await deps.resolveWorkspace(input.workspace);
    const planned = await plan(ws.id, goal, input.params, input.plan);
    const runId = randomUUID();
    const roots = planned.plan.steps.filter((s) => s.dependsOn.length === 0).map((s) => s.id);
    await tx(async (trx) => {
      await trx
        .insertInto('runs')
        .values({
          id: runId,
          workspace_id: ws.id,
          goal,
          status: 'running',
          planner: planned.planner,
          notes: JSON.stringify(planned.plan.notes),
          actor: JSON.stringify(input.actor),
        })
        .execute();
      await trx
        .insertInto('steps')
        .values(
          planned.plan.steps.map((s, seq) => {
            const root = s.dependsOn.length === 0;
            return {
              run_id: runId,
              id: s.id,
              seq,
              tool: s.tool,
              title: s.title ?? null,
              input: JSON.stringify(s.input),
              depends_on: JSON.stringify(s.dependsOn),
              needs_approval: s.needsApproval ?? false,
              status: root ? ('queued' as const) : ('pending' as const),
              dispatch: root ? 1 : 0,
              max_attempts: maxAttempts,
            };
          }),
        )
        .execute();
      await trx
        .insertInto('run_events')
        .values([
          { run_id: runId, step_id: null, type: 'run.created', data: JSON.stringify({ goal, workspaceId: ws.id, actor: input.actor }) },
          {
            run_id: runId,
            step_id: null,
            type: 'run.planned',
            data: JSON.stringify({ planner: planned.planner, notes: planned.plan.notes, steps: planned.plan.steps }),
          },
          ...roots.map((id) => ({ run_id: runId, step_id: id, type: 'step.status', data: JSON.stringify({ status: 'queued' }) })),
        ])
        .execute();
    });
    await enqueue(roots.map((stepId) => ({ runId, stepId, dispatch: 1 })));
    notify(runId);
    return get(runId);
  }

  async function get(runId: string, workspaceId?: string): Promise<RunView> {
    const run = await db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst();
    if (!run || (workspaceId && run.workspace_id !== workspaceId))
      throw runErrors.create('NH_RUN_NOT_FOUND', `no run ${runId}`, { details: { runId } });
    const steps = await db.selectFrom('steps').selectAll().where('run_id', '=', runId).orderBy('seq').execute();
    return { run: toRun(run), steps: steps.map(toStep) };
  }

  async function list(workspace: string, limit = 50): Promise<Run[]> {
    const ws = await deps.resolveWorkspace(workspace);
    const rows = await db
      .selectFrom('runs')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toRun);
  }

  async function enqueue(jobs: StepJob[], delayMs = 0) {
    // Queue-level attempts cover infrastructure failures (a database error mid-transition); a re-delivered job
    // waits out the lease it left behind, then claims the step again. Adds run concurrently (ioredis pipelines them).
    for (let i = 0; i < jobs.length; i += 500)
      await Promise.all(
        jobs.slice(i, i + 500).map((j) => deps.queue.add('step', j, { jobId: jobIdOf(j), attempts: 5, ...(delayMs ? { delayMs } : {}) })),
      );
  }

  /** Recomputes the run's status under its row lock (see transitions.ts); wakes waiters when it changed. */
  async function settle(runId: string): Promise<void> {
    const status = await tx((trx) => settleRun(trx, runId));
    if (!status) return;
    if ((TERMINAL_RUN as readonly string[]).includes(status)) graphs.forget(runId);
    notifyStatus(runId);
  }

  /**
   * After a committed transition of `stepId` (or of the run, without one): dispatches the dependents it
   * unblocked and, when nothing of the run is queued or running any more, settles the run's status.
   */
  async function afterTransition(runId: string, stepId: string | null): Promise<void> {
    const candidates = stepId ? await graphs.dependents(db as Db, runId, stepId) : [];
    const { jobs, active } = await afters.push({ runId, candidates });
    await enqueue(jobs);
    if (!active) await settle(runId);
    notify(runId);
  }

  /** Marks every not-yet-started step downstream of `stepId` skipped. */
  async function skipDescendants(trx: Trx, runId: string, stepId: string): Promise<void> {
    await skipSteps(trx, runId, await graphs.descendants(trx, runId, stepId), stepId);
  }

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Claims the step for this dispatch: queued, or running under an expired lease (its worker died). */
  async function claim(job: StepJob, lease: string) {
    for (let waited = 0; ; ) {
      const claimed = await claims.push({ job, lease });
      if (claimed) return claimed;
      // Re-delivered while another worker's lease still holds (it may be alive): wait for the lease, once.
      const cur = await db
        .selectFrom('steps')
        .select(['status', 'dispatch', sql<number>`extract(epoch from (lease_until - now())) * 1000`.as('left')])
        .where('run_id', '=', job.runId)
        .where('id', '=', job.stepId)
        .executeTakeFirst();
      if (cur?.status === 'succeeded' && cur.dispatch === job.dispatch) {
        // Re-delivered after its worker stored the result but died before dispatching what it unblocked: do that now (idempotent).
        await afterTransition(job.runId, job.stepId);
        return undefined;
      }
      if (cur?.status !== 'running' || cur.dispatch !== job.dispatch || waited > leaseMs * 2) return undefined;
      const wait = Math.max(50, Math.ceil(Number(cur.left)) + 50);
      waited += wait;
      await sleep(wait);
    }
  }

  /** Handles one step job: claim, hold for approval, resolve inputs, call the tool, record the outcome. */
  async function execute(job: StepJob): Promise<void> {
    const lease = randomUUID();
    const step = await claim(job, lease);

    if (!step) return; // finished, cancelled, or superseded by a newer dispatch: nothing to do
    notify(job.runId);
    const owned = (trx: Trx) =>
      trx
        .updateTable('steps')
        .where('run_id', '=', job.runId)
        .where('id', '=', job.stepId)
        .where('lease', '=', lease)
        .where('status', '=', 'running');

    // An approval the orchestrator holds itself (no governance in the workspace).
    if (step.needs_approval && !step.approval_id && !(await deps.isEnabled(step.workspace_id, GOVERNANCE))) {
      const approvalId = randomUUID();
      const held = await tx(async (trx) => {
        const r = await owned(trx)
          .set({
            status: 'waiting_approval',
            approval_id: approvalId,
            approval_source: 'orchestrator',
            lease: null,
            lease_until: null,
            attempts: sql`attempts - 1`,
            updated_at: sql`now()`,
          })
          .executeTakeFirst();
        if (r.numUpdatedRows === 0n) return false;
        await appendEvent(trx, job.runId, job.stepId, 'approval.requested', {
          approvalId,
          source: 'orchestrator',
          reason: 'the plan marks this step for approval',
          tool: step.tool,
        });
        await appendEvent(trx, job.runId, job.stepId, 'step.status', { status: 'waiting_approval', approvalId });
        return true;
      });
      if (held) await afterTransition(job.runId, null);
      return;
    }

    let outcome:
      | { ok: true; output: unknown }
      | { ok: false; pending: { approvalId?: string; reason: string } }
      | { ok: false; error: unknown };
    try {
      const input = resolveTemplates(step.input, step.dep_outputs ?? {});
      // A `run.step` span (its tool call a child) when tracing is on; a plain call otherwise.
      const result = await traceRunStep({ runId: job.runId, stepId: job.stepId, tool: step.tool }, () =>
        deps.callTool({
          workspace: step.workspace_id,
          tool: step.tool,
          input,
          actor: step.run_actor as Actor,
          idempotencyKey: idempotencyKeyOf(job.runId, job.stepId),
          ...(step.approval_id && step.approved_by ? { approvalId: step.approval_id } : {}),
        }),
      );
      outcome =
        result.status === 'ok'
          ? { ok: true, output: result.output }
          : { ok: false, pending: { reason: result.reason, ...(result.approvalId ? { approvalId: result.approvalId } : {}) } };
    } catch (err) {
      outcome = { ok: false, error: err };
    }
    neonhubMetrics().recordRunStep(outcome.ok ? 'ok' : 'pending' in outcome ? 'pending_approval' : 'error');

    if (outcome.ok) {
      // Cancelled meanwhile, or the lease was taken over: the result is ignored.
      if (await completions.push({ runId: job.runId, stepId: job.stepId, lease, output: outcome.output }))
        await afterTransition(job.runId, job.stepId);
      return;
    }
    if ('pending' in outcome) {
      const pending = outcome.pending;
      const held = await tx(async (trx) => {
        const r = await owned(trx)
          .set({
            status: 'waiting_approval',
            approval_id: pending.approvalId ?? null,
            approval_source: 'governance',
            lease: null,
            lease_until: null,
            updated_at: sql`now()`,
          })
          .executeTakeFirst();
        if (r.numUpdatedRows === 0n) return false;
        await appendEvent(trx, job.runId, job.stepId, 'approval.requested', {
          approvalId: pending.approvalId ?? null,
          source: 'governance',
          reason: pending.reason,
          tool: step.tool,
        });
        await appendEvent(trx, job.runId, job.stepId, 'step.status', {
          status: 'waiting_approval',
          approvalId: pending.approvalId ?? null,
        });
        return true;
      });
      if (held) await afterTransition(job.runId, null);
      return;
    }
    const error = errorJson(outcome.error);
    if (RETRYABLE.has(error.category ?? '') && step.attempts < step.max_attempts) {
      const retryDelay = Math.min(30_000, backoffBase * 2 ** (step.attempts - 1));
      const retry = await requeueStep(db as Db, job.runId, job.stepId, lease, error, {
        status: 'queued',
        retryInMs: retryDelay,
        attempt: step.attempts,
        error,
      });
      if (retry) await enqueue([retry], retryDelay);
      notify(job.runId);
      return;
    }
    const failed = await tx(async (trx) => {
      const r = await owned(trx)
        .set({
          status: 'failed',
          error: JSON.stringify(error),
          lease: null,
          lease_until: null,
          finished_at: sql`now()`,
          updated_at: sql`now()`,
        })
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) return false;
      await appendEvent(trx, job.runId, job.stepId, 'step.status', { status: 'failed', error });
      await skipDescendants(trx, job.runId, job.stepId);
      return true;
    });
    if (failed) await afterTransition(job.runId, null);
  }

  async function waitingStep(runId: string, stepId: string, workspaceId?: string) {
    const view = await get(runId, workspaceId);
    if ((TERMINAL_RUN as readonly string[]).includes(view.run.status))
      throw runErrors.create('NH_RUN_FINISHED', `run ${runId} already ${view.run.status}`, { details: { runId, status: view.run.status } });
    const row = await db.selectFrom('steps').selectAll().where('run_id', '=', runId).where('id', '=', stepId).executeTakeFirst();
    if (!row) throw runErrors.create('NH_RUN_STEP_NOT_FOUND', `run ${runId} has no step ${stepId}`, { details: { runId, stepId } });
    if (row.status !== 'waiting_approval') {
      throw runErrors.create('NH_RUN_STEP_NOT_WAITING', `step ${stepId} is ${row.status}, not waiting for approval`, {
        details: { runId, stepId, status: row.status },
      });
    }
    return { view, row };
  }

  /**
   * Approves a step waiting for approval. A governance approval is decided through governance:approve,
   * which executes the held call exactly once (same idempotency key); its result completes the step. An
   * approval the orchestrator held (no governance) is recorded and the step dispatched again with it.
   */
  async function approve(
    runId: string,
    stepId: string,
    actor: Actor,
    opts: { note?: string; workspaceId?: string } = {},
  ): Promise<RunView> {
    const { view, row } = await waitingStep(runId, stepId, opts.workspaceId);
    if (row.approval_source === 'governance' && row.approval_id) {
      let approval: { status: string; result?: unknown; error?: { code: string; message: string } | null };
      try {
        const out = await deps.callTool({
          workspace: view.run.workspaceId,
          tool: 'governance:approve',
          input: { approvalId: row.approval_id, ...(opts.note ? { note: opts.note } : {}) },
          actor,
        });
        if (out.status !== 'ok') throw runErrors.create('NH_RUN_STEP_NOT_WAITING', 'governance:approve itself needs approval');
        approval = (out.output as { approval: typeof approval }).approval;
      } catch (err) {
        // Approved before (a retry after a crash): read what the approval produced.
        if (!(isNeonHubError(err) && err.code === 'NH_GOV_APPROVAL_NOT_PENDING')) throw err;
        const out = await deps.callTool({
          workspace: view.run.workspaceId,
          tool: 'governance:get_approval',
          input: { approvalId: row.approval_id },
          actor,
        });
        approval = (out as { output: typeof approval }).output;
      }
      const changed = await tx(async (trx) => {
        const waiting = () =>
          trx.updateTable('steps').where('run_id', '=', runId).where('id', '=', stepId).where('status', '=', 'waiting_approval');
        if (approval.status === 'executed') {
          const r = await waiting()
            .set({
              status: 'succeeded',
              output: JSON.stringify(approval.result ?? null),
              approved_by: JSON.stringify(actor),
              finished_at: sql`now()`,
              updated_at: sql`now()`,
            })
            .executeTakeFirst();
          if (r.numUpdatedRows === 0n) return false;
          await appendEvent(trx, runId, stepId, 'approval.decided', {
            approvalId: row.approval_id,
            decision: 'approved',
            by: actor,
            source: 'governance',
          });
          await appendEvent(trx, runId, stepId, 'step.output', { output: approval.result ?? null });
          await appendEvent(trx, runId, stepId, 'step.status', { status: 'succeeded' });
        } else {
          const error = approval.error ?? { code: 'NH_RUN_STEP_REJECTED', message: `the approval is ${approval.status}` };
          const r = await waiting()
            .set({
              status: 'failed',
              error: JSON.stringify(error),
              approved_by: JSON.stringify(actor),
              finished_at: sql`now()`,
              updated_at: sql`now()`,
            })
            .executeTakeFirst();
          if (r.numUpdatedRows === 0n) return false;
          await appendEvent(trx, runId, stepId, 'approval.decided', {
            approvalId: row.approval_id,
            decision: 'approved',
            by: actor,
            source: 'governance',
          });
          await appendEvent(trx, runId, stepId, 'step.status', { status: 'failed', error });
          await skipDescendants(trx, runId, stepId);
        }
        return true;
      });
      if (changed) await afterTransition(runId, approval.status === 'executed' ? stepId : null);
    } else {
      const job = await tx(async (trx) => {
        const r = await trx
          .updateTable('steps')
          .set({ status: 'queued', dispatch: sql`dispatch + 1`, approved_by: JSON.stringify(actor), updated_at: sql`now()` })
          .where('run_id', '=', runId)
          .where('id', '=', stepId)
          .where('status', '=', 'waiting_approval')
          .returning(['dispatch'])
          .executeTakeFirst();
        if (!r) return undefined;
        await appendEvent(trx, runId, stepId, 'approval.decided', {
          approvalId: row.approval_id,
          decision: 'approved',
          by: actor,
          source: 'orchestrator',
          ...(opts.note ? { note: opts.note } : {}),
        });
        await appendEvent(trx, runId, stepId, 'step.status', { status: 'queued' });
        return { runId, stepId, dispatch: r.dispatch };
      });
      if (job) {
        // The run is running again before its job can finish (settle sees the queued step).
        await settle(runId);
        await enqueue([job]);
      }
    }
    notify(runId);
    return get(runId);
  }

  /** Rejects a step waiting for approval (through governance:reject when governance holds it): the step fails, dependents are skipped. */
  async function reject(
    runId: string,
    stepId: string,
    actor: Actor,
    reason: string,
    opts: { workspaceId?: string } = {},
  ): Promise<RunView> {
    const { view, row } = await waitingStep(runId, stepId, opts.workspaceId);
    if (row.approval_source === 'governance' && row.approval_id) {
      await deps.callTool({
        workspace: view.run.workspaceId,
        tool: 'governance:reject',
        input: { approvalId: row.approval_id, reason },
        actor,
      });
    }
    const changed = await tx(async (trx) => {
      const error = { code: 'NH_RUN_STEP_REJECTED', message: `rejected: ${reason}`, category: 'user' };
      const r = await trx
        .updateTable('steps')
        .set({
          status: 'failed',
          error: JSON.stringify(error),
          approved_by: JSON.stringify(actor),
          finished_at: sql`now()`,
          updated_at: sql`now()`,
        })
        .where('run_id', '=', runId)
        .where('id', '=', stepId)
        .where('status', '=', 'waiting_approval')
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) return false;
      await appendEvent(trx, runId, stepId, 'approval.decided', { approvalId: row.approval_id, decision: 'rejected', by: actor, reason });
      await appendEvent(trx, runId, stepId, 'step.status', { status: 'failed', error });
      await skipDescendants(trx, runId, stepId);
      return true;
    });
    if (changed) await afterTransition(runId, null);
    notify(runId);
    return get(runId);
  }

  /** Cancels a run: steps not finished are cancelled; a step running now finishes but its result is ignored. */
  async function cancel(runId: string, actor: Actor, opts: { workspaceId?: string } = {}): Promise<RunView> {
    const view = await get(runId, opts.workspaceId);
    if ((TERMINAL_RUN as readonly string[]).includes(view.run.status))
      throw runErrors.create('NH_RUN_FINISHED', `run ${runId} already ${view.run.status}`, { details: { runId, status: view.run.status } });
    await runTx(runId, async (trx) => {
      const rows = await trx
        .updateTable('steps')
        .set({ status: 'cancelled', lease: null, lease_until: null, finished_at: sql`now()`, updated_at: sql`now()` })
        .where('run_id', '=', runId)
        .where('status', 'in', ['pending', 'queued', 'running', 'waiting_approval'])
        .returning(['id'])
        .execute();
      for (const r of rows) await appendEvent(trx, runId, r.id, 'step.status', { status: 'cancelled' });
      await trx
        .updateTable('runs')
        .set({ status: 'cancelled', finished_at: sql`now()`, updated_at: sql`now()` })
        .where('id', '=', runId)
        .execute();
      await appendEvent(trx, runId, null, 'run.status', { status: 'cancelled', by: actor });
    });
    graphs.forget(runId);
    notifyStatus(runId);
    return get(runId);
  }

  /**
   * Re-dispatches what a crash left behind: queued or running steps with no live job (a running one is
   * handed to a new dispatch, so the dead worker's lease can no longer write), and pending steps whose
   * dependencies all succeeded; then settles the status of every open run (a worker may have died between
   * a step's last transition and the run's). Call on start, before processing.
   */
  async function recover(): Promise<{ redispatched: number }> {
    const open = await db
      .selectFrom('steps')
      .innerJoin('runs', 'runs.id', 'steps.run_id')
      .select(['steps.run_id', 'steps.id', 'steps.status', 'steps.dispatch'])
      .where('runs.status', 'in', ['queued', 'running', 'waiting_approval'])
      .where('steps.status', 'in', ['queued', 'running'])
      .execute();
    const jobs: StepJob[] = [];
    for (const s of open) {
      if (await deps.queue.has(jobIdOf({ runId: s.run_id, stepId: s.id, dispatch: s.dispatch }))) continue;
      const r = await db
        .updateTable('steps')
        .set({ status: 'queued', dispatch: sql`dispatch + 1`, lease: null, lease_until: null, updated_at: sql`now()` })
        .where('run_id', '=', s.run_id)
        .where('id', '=', s.id)
        .where('dispatch', '=', s.dispatch)
        .where('status', 'in', ['queued', 'running'])
        .returning(['dispatch'])
        .executeTakeFirst();
      if (r) jobs.push({ runId: s.run_id, stepId: s.id, dispatch: r.dispatch });
    }
    const runs = await db.selectFrom('runs').select('id').where('status', 'in', ['queued', 'running', 'waiting_approval']).execute();
    for (const run of runs) {
      const all = await db.selectFrom('steps').select(['id', 'status', 'depends_on']).where('run_id', '=', run.id).execute();
      const ok = new Set(all.filter((s) => s.status === 'succeeded').map((s) => s.id));
      const ready = all.filter((s) => s.status === 'pending' && s.depends_on.every((d) => ok.has(d))).map((s) => s.id);
      const [{ jobs: more, active }] = (await dispatchAfterMany(db as Db, [{ runId: run.id, candidates: ready }])) as [
        { jobs: StepJob[]; active: boolean },
      ];
      jobs.push(...more);
      if (!active) await settle(run.id);
    }
    await enqueue(jobs);
    return { redispatched: jobs.length };
  }

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

  /**
   * Events of a run after `after` (an event id), then live ones as they are stored, in order, to `listener`.
   * Reads the log on every local change and every `pollMs` (events written by other processes).
   */
  function subscribe(runId: string, after: number, listener: (event: RunEvent) => void): () => void {
    let cursor = after;
    let reading: Promise<void> | undefined;
    let again = false;
    let stopped = false;
    const pull = () => {
      if (stopped) return;
      if (reading) {
        again = true;
        return;
      }
      reading = (async () => {
        do {
          again = false;
          for (;;) {
            const batch = await readEvents(db as Db, runId, cursor);
            for (const e of batch) {
              if (stopped) return;
              cursor = e.id!;
              listener(e);
            }
            if (batch.length < 1000) break;
          }
        } while (again && !stopped);
      })()
        .catch((err) => deps.logger?.warn({ err, runId }, 'reading run events failed'))
        .finally(() => {
          reading = undefined;
        });
    };
    bus.on(runId, pull);
    const timer = setInterval(pull, pollMs);
    timer.unref();
    pull();
    return () => {
      stopped = true;
      bus.off(runId, pull);
      clearInterval(timer);
    };
  }

  const events = (runId: string, after = 0, limit = 1000) => readEvents(db as Db, runId, after, limit);

  /** Waits until the run is in one of `statuses` (default: finished or waiting for approval). */
  async function waitFor(
    runId: string,
    statuses: Run['status'][] = ['succeeded', 'failed', 'cancelled', 'waiting_approval'],
    timeoutMs = 60_000,
  ): Promise<RunView> {
    const deadline = Date.now() + timeoutMs;
    let wake: (() => void) | undefined;
    const poke = () => wake?.();
    bus.on(`${runId}:status`, poke);
    try {
      for (;;) {
        const row = await db.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirst();
        if (!row) throw runErrors.create('NH_RUN_NOT_FOUND', `no run ${runId}`, { details: { runId } });
        if (statuses.includes(row.status)) return get(runId);
        if (Date.now() > deadline)
          throw new Error(`run ${runId} did not reach ${statuses.join('|')} within ${timeoutMs} ms (it is ${row.status})`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.min(pollMs, 250));
        });
      }
    } finally {
      bus.off(`${runId}:status`, poke);
    }
  }

  async function close(): Promise<void> {
    closing = true;
    await deps.queue.close();
    await Promise.allSettled([...active]);
    bus.removeAllListeners();
  }

  return {
    plan,
    start,
    get,
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
