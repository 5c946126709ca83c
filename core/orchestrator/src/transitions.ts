import type { RunErrorJson as ErrorJson } from '@neonhub/db';
import type { RunStatus } from '@neonhub/schemas';
import { sql } from 'kysely';
import { type CarriableStep, type StepJob, stepJob } from './jobs.js';
import type { Db, Trx } from './store.js';

/**
 * The hot-path transitions of steps, each one round trip: PL/pgSQL functions of migration
 * `0006_run_transitions` (plans kept per session; each writes a step change and its events together).
 *
 * Concurrency model: a claim touches only its step rows. Whatever decides what a transition unblocked
 * (dependents to dispatch, whether the run still has work queued or running) runs under the run-row lock,
 * taken before any step row (as cancel and `neonhub_settle_run` do, so they cannot deadlock), and reads with a
 * snapshot taken after acquiring it. Of two transitions racing, the later to lock therefore sees both, so no
 * dependent and no run completion is missed, and a dependent is moved pending -> queued once. A success is
 * stored and its dependents dispatched in the same transaction; other transitions commit first and then
 * dispatch (`dispatchAfterMany`).
 */

export interface ClaimedStep {
  run_id: string;
  id: string;
  tool: string;
  input: Record<string, unknown>;
  depends_on: string[];
  needs_approval: boolean;
  attempts: number;
  max_attempts: number;
  dispatch: number;
  approval_id: string | null;
  approved_by: unknown;
  workspace_id: string;
  run_actor: unknown;
  /**
   * Outputs of the steps its input references (any of its ancestors: `steps.input_refs`), by step id; of its direct
   * dependencies for a step stored before migration 0031.
   */
  dep_outputs: Record<string, unknown>;
}

export interface ClaimRequest {
  job: StepJob;
  lease: string;
}

export interface AfterRequest {
  runId: string;
  /** Dependents of the step that changed (none when no step succeeded). */
  candidates: string[];
}

export interface AfterResult {
  /** Dependents this request dispatched, to enqueue. */
  jobs: StepJob[];
  /** Whether the run still has a step queued or running (when not, its status was settled in the same statement). */
  active: boolean;
  /** The run's new status, when the statement changed it (nothing of the run was left queued or running). */
  settled?: RunStatus;
}

type DispatchRow = {
  kind: 'job' | 'active' | 'settled';
  run_id: string;
  id: string | null;
  dispatch: number;
  /** For a step without side effects that needs no approval: what its job carries. */
  exec: CarriableStep | null;
  /** For a `settled` row: the run's new status. */
  status: RunStatus | null;
};

/**
 * Each dispatched job, and a run's new status, go to the first request of its run (the others get none): nothing
 * is enqueued twice, and a run's end is announced once.
 */
function afterResults(reqs: { runId: string }[], rows: DispatchRow[]): AfterResult[] {
  const jobs = new Map<string, StepJob[]>();
  const active = new Set<string>();
  const settled = new Map<string, RunStatus>();
  for (const row of rows) {
    if (row.kind === 'active') active.add(row.run_id);
    else if (row.kind === 'settled' && row.status) settled.set(row.run_id, row.status);
    else if (row.kind === 'job' && row.id !== null) {
      active.add(row.run_id);
      const job = stepJob({ runId: row.run_id, stepId: row.id, dispatch: Number(row.dispatch) }, row.exec);
      jobs.set(row.run_id, [...(jobs.get(row.run_id) ?? []), job]);
    }
  }
  const given = new Set<string>();
  return reqs.map((q) => {
    const first = !given.has(q.runId);
    given.add(q.runId);
    const status = first ? settled.get(q.runId) : undefined;
    return { jobs: first ? (jobs.get(q.runId) ?? []) : [], active: active.has(q.runId), ...(status ? { settled: status } : {}) };
  });
}

export interface CompleteRequest extends AfterRequest {
  stepId: string;
  /** The lease of a claimed step; a carried step that was never marked running holds none in the database. */
  lease: string;
  /** The dispatch the job was for. */
  dispatch: number;
  /**
   * Set for a carried step that was not marked running: when the worker started its tool. Its result is stored
   * from `queued` too, while the dispatch is still this one, with this start time.
   */
  carriedSince?: string;
  output: unknown;
}

/**
 * Claims steps for their dispatch (queued, or running under an expired lease), stores their `running`
 * events, and returns each claimed step with its run's workspace and actor and the outputs its input references:
 * one round trip for the whole batch. Undefined for a request that did not claim.
 */
export async function claimSteps(db: Db, reqs: ClaimRequest[], leaseMs: number): Promise<(ClaimedStep | undefined)[]> {
  const v = JSON.stringify(reqs.map((r) => ({ run_id: r.job.runId, id: r.job.stepId, dispatch: r.job.dispatch, lease: r.lease })));
  const r = await sql<ClaimedStep & { lease: string }>`select * from neonhub_claim_steps(${v}::jsonb, ${leaseMs}::int)`.execute(db);
  const byLease = new Map(r.rows.map((row) => [row.lease, row]));
  return reqs.map((q) => byLease.get(q.lease));
}

/**
 * Stores steps' successes (each only while its lease holds, or for a carried step while it is still queued under
 * its dispatch: a cancelled or superseded step stores nothing) with their `step.status` events (carrying the
 * output), dispatches the dependents they unblocked, and settles the runs they finished, in one round trip.
 */
export async function completeSteps(db: Db, reqs: CompleteRequest[]): Promise<AfterResult[]> {
  const v = JSON.stringify(
    reqs.map((q) => ({
      run_id: q.runId,
      id: q.stepId,
      lease: q.lease,
      dispatch: q.dispatch,
      carried_since: q.carriedSince ?? null,
      output: q.output ?? null,
      candidates: q.candidates,
    })),
  );
  const r = await sql<DispatchRow>`select * from neonhub_complete_steps(${v}::jsonb)`.execute(db);
  return afterResults(reqs, r.rows);
}

/** Puts a failed attempt back in the queue under a new dispatch (only while this lease holds), with its event. */
export async function requeueStep(
  db: Db,
  runId: string,
  stepId: string,
  lease: string,
  error: ErrorJson,
  event: Record<string, unknown>,
): Promise<StepJob | undefined> {
  const r = await sql<{ dispatch: number }>`
    with u as (
      update steps set status = 'queued', dispatch = dispatch + 1, error = ${JSON.stringify(error)}::jsonb,
        lease = null, lease_until = null, updated_at = now()
      where run_id = ${runId} and id = ${stepId} and lease = ${lease} and status = 'running'
      returning id, dispatch
    ), e as (
      insert into run_events (run_id, step_id, type, data) select ${runId}, u.id, 'step.status', ${JSON.stringify(event)}::jsonb from u
    )
    select dispatch from u`.execute(db);
  const row = r.rows[0];
  return row ? { runId, stepId, dispatch: Number(row.dispatch) } : undefined;
}

/**
 * Extends the leases of running steps that still hold them (a lost lease is left alone). Arrays compared with
 * `= any` keep it a primary-key index scan whatever the table's statistics (a join over `jsonb_to_recordset` may be
 * planned as a scan of every step); a lease is unique, so it alone picks the step among the rows the keys find.
 */
export async function renewStepLeases(db: Db, held: { runId: string; stepId: string; lease: string }[], leaseMs: number) {
  await sql`
    update steps set lease_until = now() + ${leaseMs} * interval '1 millisecond'
    where run_id = any (${held.map((h) => h.runId)}::uuid[]) and id = any (${held.map((h) => h.stepId)}::text[])
      and lease = any (${held.map((h) => h.lease)}::text[]) and status = 'running'`.execute(db);
}

/** Marks the given steps skipped when still pending, with an event each. */
export async function skipSteps(trx: Trx, runId: string, ids: string[], because: string): Promise<void> {
  if (!ids.length) return;
  await sql`
    with u as (
      update steps set status = 'skipped', finished_at = now(), updated_at = now()
      where run_id = ${runId} and id in (${sql.join(ids)}) and status = 'pending'
      returning id, seq
    )
    insert into run_events (run_id, step_id, type, data)
    select ${runId}, id, 'step.status', jsonb_build_object('status', 'skipped', 'because', ${because}::text) from u order by seq`.execute(
    trx,
  );
}

/**
 * After committed transitions: under each run's lock, moves the given dependents whose dependencies have all
 * succeeded from pending to queued (with their events), tells for each run whether anything of it is still
 * queued or running, and settles the status of each run where nothing is. One round trip for the batch.
 */
export async function dispatchAfterMany(db: Db, reqs: AfterRequest[]): Promise<AfterResult[]> {
  const r =
    await sql<DispatchRow>`select * from neonhub_dispatch_after(${JSON.stringify(reqs.map((q) => ({ run_id: q.runId, candidates: q.candidates })))}::jsonb)`.execute(
      db,
    );
  return afterResults(reqs, r.rows);
}

/**
 * Recomputes the run's status from its steps under the run-row lock and stores it (with its `run.status` event)
 * when it changed, in one statement (`neonhub_settle_run`, migration 0028). Returns the new status when it changed.
 */
export async function settleRun(db: Db, runId: string): Promise<RunStatus | undefined> {
  const r = await sql<{ status: RunStatus | null }>`select neonhub_settle_run(${runId}::uuid) as status`.execute(db);
  return r.rows[0]?.status ?? undefined;
}

/** The run's dependency graph (steps never change after a run is created), cached per process. */
export class RunGraphs {
  private readonly graphs = new Map<string, Map<string, string[]>>();
  constructor(private readonly max = 256) {}

  async dependents(db: Db, runId: string, stepId: string): Promise<string[]> {
    return (await this.load(db, runId)).get(stepId) ?? [];
  }

  /** Every step downstream of `stepId` (not itself). */
  async descendants(db: Db, runId: string, stepId: string): Promise<string[]> {
    const g = await this.load(db, runId);
    const down = new Set<string>();
    const todo = [stepId];
    for (let id = todo.pop(); id !== undefined; id = todo.pop())
      for (const d of g.get(id) ?? []) if (!down.has(d)) todo.push(down.add(d) && d);
    return [...down];
  }

  forget(runId: string) {
    this.graphs.delete(runId);
  }

  /** Caches a run's graph from its plan (the process that starts a run need not read it back). */
  remember(runId: string, steps: readonly { id: string; dependsOn: readonly string[] }[]) {
    const g = new Map<string, string[]>();
    for (const s of steps)
      for (const d of s.dependsOn) {
        const list = g.get(d);
        if (list) list.push(s.id);
        else g.set(d, [s.id]);
      }
    if (this.graphs.size >= this.max) this.graphs.delete(this.graphs.keys().next().value as string);
    this.graphs.set(runId, g);
    return g;
  }

  private async load(db: Db, runId: string) {
    const hit = this.graphs.get(runId);
    if (hit) return hit;
    const rows = await db.selectFrom('steps').select(['id', 'depends_on']).where('run_id', '=', runId).orderBy('seq').execute();
    return this.remember(
      runId,
      rows.map((r) => ({ id: r.id, dependsOn: r.depends_on })),
    );
  }
}
