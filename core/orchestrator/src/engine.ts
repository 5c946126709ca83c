import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { DB, Kysely } from '@neonhub/db';
import { type Actor, isNeonHubError, type NeonHubError, type Plan, type Run, type RunEvent, type Step } from '@neonhub/schemas';
import { sql } from 'kysely';
import { runErrors } from './errors.js';
import { jobIdOf, type StepJob, type StepQueue } from './jobs.js';
import { type PlannerLlm, planWithLlm } from './planner-llm.js';
import { type PlanParams, planOffline } from './planner-offline.js';
import { appendEvent, type Db, readEvents, TERMINAL_RUN, type Trx, toRun, toStep } from './store.js';
import { type ErrorJson, withRunTables } from './tables.js';
import { resolveTemplates } from './template.js';
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
  /**
   * Every transition of a run's steps locks the run row first (FOR NO KEY UPDATE, which does not conflict
   * with the KEY SHARE locks that inserting run_events takes), so transitions of one run never deadlock.
   */
  const runTx = <T>(runId: string, fn: (trx: Trx) => Promise<T>) =>
    tx(async (trx) => {
      await trx.selectFrom('runs').select('id').where('id', '=', runId).forNoKeyUpdate().execute();
      return fn(trx);
    });
  const notify = (runId: string) => bus.emit(runId);

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

  /** Plans, validates and stores a run, then dispatches the steps that depend on nothing. */
  async function start(input: StartRunInput): Promise<RunView> {
    const goal = input.goal.trim();
    if (!goal || goal.length > 4000) throw runErrors.create('NH_RUN_PLAN_INVALID', 'the goal must be 1 to 4000 characters');
    const ws = await deps.resolveWorkspace(input.workspace);
    const planned = await plan(ws.id, goal, input.params, input.plan);
    const runId = randomUUID();
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
          planned.plan.steps.map((s, seq) => ({
            run_id: runId,
            id: s.id,
            seq,
            tool: s.tool,
            title: s.title ?? null,
            input: JSON.stringify(s.input),
            depends_on: JSON.stringify(s.dependsOn),
            needs_approval: s.needsApproval ?? false,
            status: 'pending' as const,
            max_attempts: maxAttempts,
          })),
        )
        .execute();
      await appendEvent(trx, runId, null, 'run.created', { goal, workspaceId: ws.id, actor: input.actor });
      await appendEvent(trx, runId, null, 'run.planned', {
        planner: planned.planner,
        notes: planned.plan.notes,
        steps: planned.plan.steps,
      });
    });
    const jobs = await runTx(runId, (trx) => dispatchReady(trx, runId, null));
    await enqueue(jobs);
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

  /**
   * Moves pending steps whose dependencies all succeeded to queued (conditionally: of two completions racing,
   * one wins each step) and returns the jobs to add once the transaction commits. With `after`, only the
   * dependents of that step are looked at.
   */
  async function dispatchReady(trx: Trx, runId: string, after: string | null): Promise<StepJob[]> {
    let q = trx.selectFrom('steps').select(['id', 'depends_on']).where('run_id', '=', runId).where('status', '=', 'pending');
    q = after ? q.where(sql<boolean>`depends_on @> ${JSON.stringify([after])}::jsonb`) : q.where(sql<boolean>`depends_on = '[]'::jsonb`);
    const candidates = await q.execute();
    if (!candidates.length) return [];
    const deps = [...new Set(candidates.flatMap((c) => c.depends_on))];
    const done = new Set(
      deps.length
        ? (
            await trx
              .selectFrom('steps')
              .select('id')
              .where('run_id', '=', runId)
              .where('id', 'in', deps)
              .where('status', '=', 'succeeded')
              .execute()
          ).map((r) => r.id)
        : [],
    );
    const ready = candidates.filter((c) => c.depends_on.every((d) => done.has(d))).map((c) => c.id);
    if (!ready.length) return [];
    const rows = await trx
      .updateTable('steps')
      .set({ status: 'queued', dispatch: sql`dispatch + 1`, updated_at: sql`now()` })
      .where('run_id', '=', runId)
      .where('id', 'in', ready)
      .where('status', '=', 'pending')
      .returning(['id', 'dispatch'])
      .execute();
    for (const r of rows) await appendEvent(trx, runId, r.id, 'step.status', { status: 'queued' });
    return rows.map((r) => ({ runId, stepId: r.id, dispatch: r.dispatch }));
  }

  async function enqueue(jobs: StepJob[], delayMs = 0) {
    // Queue-level attempts cover infrastructure failures (a database error mid-transition); a re-delivered job
    // waits out the lease it left behind, then claims the step again.
    for (const j of jobs) await deps.queue.add('step', j, { jobId: jobIdOf(j), attempts: 5, ...(delayMs ? { delayMs } : {}) });
  }

  /** Recomputes the run's status from its steps and stores it (with an event) when it changed. */
  async function refreshRun(trx: Trx, runId: string): Promise<void> {
    const run = await trx.selectFrom('runs').select(['status']).where('id', '=', runId).forNoKeyUpdate().executeTakeFirst();
    if (!run || (TERMINAL_RUN as readonly string[]).includes(run.status)) return;
    const counts = await trx
      .selectFrom('steps')
      .select(['status', sql<number>`count(*)::int`.as('n')])
      .where('run_id', '=', runId)
      .groupBy('status')
      .execute();
    const n = (s: string) => counts.find((c) => c.status === s)?.n ?? 0;
    let status: Run['status'];
    let error: ErrorJson | null = null;
    if (n('running') + n('queued') > 0) status = 'running';
    else if (n('waiting_approval') > 0) status = 'waiting_approval';
    else if (n('pending') > 0) status = 'running';
    else if (n('failed') > 0) {
      status = 'failed';
      const first = await trx
        .selectFrom('steps')
        .select(['id', 'error'])
        .where('run_id', '=', runId)
        .where('status', '=', 'failed')
        .orderBy('finished_at')
        .executeTakeFirst();
      error = first?.error ? { code: first.error.code, message: `step ${first.id} failed: ${first.error.message}` } : null;
    } else if (n('cancelled') > 0) status = 'cancelled';
    else status = 'succeeded';
    if (status === run.status) return;
    const terminal = (TERMINAL_RUN as readonly string[]).includes(status);
    await trx
      .updateTable('runs')
      .set({
        status,
        updated_at: sql`now()`,
        ...(terminal ? { finished_at: sql`now()` } : {}),
        ...(error ? { error: JSON.stringify(error) } : {}),
      })
      .where('id', '=', runId)
      .execute();
    await appendEvent(trx, runId, null, 'run.status', { status, ...(error ? { error } : {}) });
  }

  /** Marks every not-yet-started step downstream of `stepId` skipped. */
  async function skipDescendants(trx: Trx, runId: string, stepId: string): Promise<void> {
    const steps = await trx.selectFrom('steps').select(['id', 'depends_on', 'status']).where('run_id', '=', runId).execute();
    const down = new Set([stepId]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const s of steps) if (!down.has(s.id) && s.depends_on.some((d) => down.has(d))) grew = down.add(s.id).size > 0;
    }
    down.delete(stepId);
    const skip = steps.filter((s) => down.has(s.id) && s.status === 'pending').map((s) => s.id);
    if (!skip.length) return;
    await trx
      .updateTable('steps')
      .set({ status: 'skipped', finished_at: sql`now()`, updated_at: sql`now()` })
      .where('run_id', '=', runId)
      .where('id', 'in', skip)
      .where('status', '=', 'pending')
      .execute();
    for (const id of skip) await appendEvent(trx, runId, id, 'step.status', { status: 'skipped', because: stepId });
  }

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Claims the step for this dispatch: queued, or running under an expired lease (its worker died). */
  async function claim(job: StepJob, lease: string) {
    for (let waited = 0; ; ) {
      const claimed = await db
        .updateTable('steps')
        .set({
          status: 'running',
          lease,
          lease_until: sql`now() + ${leaseMs} * interval '1 millisecond'`,
          attempts: sql`attempts + 1`,
          started_at: sql`coalesce(started_at, now())`,
          updated_at: sql`now()`,
        })
        .where('run_id', '=', job.runId)
        .where('id', '=', job.stepId)
        .where('dispatch', '=', job.dispatch)
        .where((eb) =>
          eb.or([eb('status', '=', 'queued'), eb.and([eb('status', '=', 'running'), eb('lease_until', '<', sql<Date>`now()`)])]),
        )
        .returningAll()
        .executeTakeFirst();
      if (claimed) return claimed;
      // Re-delivered while another worker's lease still holds (it may be alive): wait for the lease, once.
      const cur = await db
        .selectFrom('steps')
        .select(['status', 'dispatch', sql<number>`extract(epoch from (lease_until - now())) * 1000`.as('left')])
        .where('run_id', '=', job.runId)
        .where('id', '=', job.stepId)
        .executeTakeFirst();
      if (!cur || cur.status !== 'running' || cur.dispatch !== job.dispatch || waited > leaseMs * 2) return undefined;
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
    const run = await db
      .selectFrom('runs')
      .select(['workspace_id', 'actor', 'status'])
      .where('id', '=', job.runId)
      .executeTakeFirstOrThrow();
    const owned = (trx: Trx) =>
      trx
        .updateTable('steps')
        .where('run_id', '=', job.runId)
        .where('id', '=', job.stepId)
        .where('lease', '=', lease)
        .where('status', '=', 'running');

    // The run is already running (a step is only dispatched then, or after approve, which refreshed it): one insert, no run lock.
    await appendEvent(db as Db, job.runId, job.stepId, 'step.status', { status: 'running', attempt: step.attempts });
    notify(job.runId);

    // An approval the orchestrator holds itself (no governance in the workspace).
    if (step.needs_approval && !step.approval_id && !(await deps.isEnabled(run.workspace_id, GOVERNANCE))) {
      const approvalId = randomUUID();
      await runTx(job.runId, async (trx) => {
        const held = await owned(trx)
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
        if (held.numUpdatedRows === 0n) return;
        await appendEvent(trx, job.runId, job.stepId, 'approval.requested', {
          approvalId,
          source: 'orchestrator',
          reason: 'the plan marks this step for approval',
          tool: step.tool,
        });
        await appendEvent(trx, job.runId, job.stepId, 'step.status', { status: 'waiting_approval', approvalId });
        await refreshRun(trx, job.runId);
      });
      notify(job.runId);
      return;
    }

    let outcome:
      | { ok: true; output: unknown }
      | { ok: false; pending: { approvalId?: string; reason: string } }
      | { ok: false; error: unknown };
    try {
      const outputs = await dependencyOutputs(job.runId, step.depends_on);
      const input = resolveTemplates(step.input, outputs);
      const result = await deps.callTool({
        workspace: run.workspace_id,
        tool: step.tool,
        input,
        actor: run.actor as Actor,
        idempotencyKey: idempotencyKeyOf(job.runId, job.stepId),
        ...(step.approval_id && step.approved_by ? { approvalId: step.approval_id } : {}),
      });
      outcome =
        result.status === 'ok'
          ? { ok: true, output: result.output }
          : { ok: false, pending: { reason: result.reason, ...(result.approvalId ? { approvalId: result.approvalId } : {}) } };
    } catch (err) {
      outcome = { ok: false, error: err };
    }

    let retry: StepJob | undefined;
    let retryDelay = 0;
    let next: StepJob[] = [];
    await runTx(job.runId, async (trx) => {
      if (outcome.ok) {
        const r = await owned(trx)
          .set({
            status: 'succeeded',
            output: JSON.stringify(outcome.output ?? null),
            error: null,
            lease: null,
            lease_until: null,
            finished_at: sql`now()`,
            updated_at: sql`now()`,
          })
          .executeTakeFirst();
        if (r.numUpdatedRows === 0n) return; // cancelled meanwhile, or the lease was taken over: ignore the result
        await appendEvent(trx, job.runId, job.stepId, 'step.output', { output: outcome.output ?? null });
        await appendEvent(trx, job.runId, job.stepId, 'step.status', { status: 'succeeded' });
        next = await dispatchReady(trx, job.runId, job.stepId);
      } else if ('pending' in outcome) {
        const r = await owned(trx)
          .set({
            status: 'waiting_approval',
            approval_id: outcome.pending.approvalId ?? null,
            approval_source: 'governance',
            lease: null,
            lease_until: null,
            updated_at: sql`now()`,
          })
          .executeTakeFirst();
        if (r.numUpdatedRows === 0n) return;
        await appendEvent(trx, job.runId, job.stepId, 'approval.requested', {
          approvalId: outcome.pending.approvalId ?? null,
          source: 'governance',
          reason: outcome.pending.reason,
          tool: step.tool,
        });
        await appendEvent(trx, job.runId, job.stepId, 'step.status', {
          status: 'waiting_approval',
          approvalId: outcome.pending.approvalId ?? null,
        });
      } else {
        const error = errorJson(outcome.error);
        const retryable = RETRYABLE.has(error.category ?? '') && step.attempts < step.max_attempts;
        if (retryable) {
          const r = await owned(trx)
            .set({
              status: 'queued',
              dispatch: sql`dispatch + 1`,
              error: JSON.stringify(error),
              lease: null,
              lease_until: null,
              updated_at: sql`now()`,
            })
            .returning(['dispatch'])
            .executeTakeFirst();
          if (!r) return;
          retryDelay = Math.min(30_000, backoffBase * 2 ** (step.attempts - 1));
          retry = { runId: job.runId, stepId: job.stepId, dispatch: r.dispatch };
          await appendEvent(trx, job.runId, job.stepId, 'step.status', {
            status: 'queued',
            retryInMs: retryDelay,
            attempt: step.attempts,
            error,
          });
        } else {
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
          if (r.numUpdatedRows === 0n) return;
          await appendEvent(trx, job.runId, job.stepId, 'step.status', { status: 'failed', error });
          await skipDescendants(trx, job.runId, job.stepId);
        }
      }
      await refreshRun(trx, job.runId);
    });
    if (retry) await enqueue([retry], retryDelay);
    await enqueue(next);
    notify(job.runId);
  }

  async function dependencyOutputs(runId: string, ids: string[]): Promise<Record<string, unknown>> {
    if (!ids.length) return {};
    const rows = await db.selectFrom('steps').select(['id', 'output']).where('run_id', '=', runId).where('id', 'in', ids).execute();
    return Object.fromEntries(rows.map((r) => [r.id, r.output]));
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
      await runTx(runId, async (trx) => {
        await appendEvent(trx, runId, stepId, 'approval.decided', {
          approvalId: row.approval_id,
          decision: 'approved',
          by: actor,
          source: 'governance',
        });
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
          if (r.numUpdatedRows === 0n) return;
          await appendEvent(trx, runId, stepId, 'step.output', { output: approval.result ?? null });
          await appendEvent(trx, runId, stepId, 'step.status', { status: 'succeeded' });
          await enqueueAfter(trx, runId, stepId);
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
          if (r.numUpdatedRows === 0n) return;
          await appendEvent(trx, runId, stepId, 'step.status', { status: 'failed', error });
          await skipDescendants(trx, runId, stepId);
        }
        await refreshRun(trx, runId);
      });
    } else {
      await runTx(runId, async (trx) => {
        const r = await trx
          .updateTable('steps')
          .set({ status: 'queued', dispatch: sql`dispatch + 1`, approved_by: JSON.stringify(actor), updated_at: sql`now()` })
          .where('run_id', '=', runId)
          .where('id', '=', stepId)
          .where('status', '=', 'waiting_approval')
          .returning(['dispatch'])
          .executeTakeFirst();
        if (!r) return;
        await appendEvent(trx, runId, stepId, 'approval.decided', {
          approvalId: row.approval_id,
          decision: 'approved',
          by: actor,
          source: 'orchestrator',
          ...(opts.note ? { note: opts.note } : {}),
        });
        await appendEvent(trx, runId, stepId, 'step.status', { status: 'queued' });
        pendingJobs.push({ runId, stepId, dispatch: r.dispatch });
        await refreshRun(trx, runId);
      });
    }
    await flushPending();
    notify(runId);
    return get(runId);
  }

  const pendingJobs: StepJob[] = [];
  async function enqueueAfter(trx: Trx, runId: string, stepId: string) {
    pendingJobs.push(...(await dispatchReady(trx, runId, stepId)));
  }
  async function flushPending() {
    const jobs = pendingJobs.splice(0);
    await enqueue(jobs);
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
    await runTx(runId, async (trx) => {
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
      if (r.numUpdatedRows === 0n) return;
      await appendEvent(trx, runId, stepId, 'approval.decided', { approvalId: row.approval_id, decision: 'rejected', by: actor, reason });
      await appendEvent(trx, runId, stepId, 'step.status', { status: 'failed', error });
      await skipDescendants(trx, runId, stepId);
      await refreshRun(trx, runId);
    });
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
    notify(runId);
    return get(runId);
  }

  /**
   * Re-dispatches what a crash left behind: queued or running steps with no live job (a running one is
   * handed to a new dispatch, so the dead worker's lease can no longer write), and pending steps whose
   * dependencies all succeeded. Call on start, before processing.
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
    const runs = await db.selectFrom('runs').select('id').where('status', 'in', ['queued', 'running']).execute();
    for (const run of runs) {
      const all = await db.selectFrom('steps').select(['id', 'status', 'depends_on']).where('run_id', '=', run.id).execute();
      const ok = new Set(all.filter((s) => s.status === 'succeeded').map((s) => s.id));
      const ready = all.filter((s) => s.status === 'pending' && s.depends_on.every((d) => ok.has(d))).map((s) => s.id);
      if (!ready.length) continue;
      const rows = await db
        .updateTable('steps')
        .set({ status: 'queued', dispatch: sql`dispatch + 1`, updated_at: sql`now()` })
        .where('run_id', '=', run.id)
        .where('id', 'in', ready)
        .where('status', '=', 'pending')
        .returning(['id', 'dispatch'])
        .execute();
      jobs.push(...rows.map((r) => ({ runId: run.id, stepId: r.id, dispatch: r.dispatch })));
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
    bus.on(runId, poke);
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
      bus.off(runId, poke);
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
