import type { RunStatus } from '@neonhub/schemas';
import { sql } from 'kysely';
import type { StepJob } from './jobs.js';
import { appendEvent, type Db, TERMINAL_RUN, type Trx } from './store.js';
import type { ErrorJson } from './tables.js';

/**
 * The hot-path SQL of step transitions, each one round trip (data-modifying CTEs write the step and its
 * events in one statement, so a state change and its event are always stored together).
 *
 * Concurrency model (no run-row lock on the hot path): a transition commits first; what it may unblock
 * (dependents to dispatch, the run's status) is decided afterwards by `afterTransition` in a new statement,
 * whose snapshot is taken after its own commit. Of two transitions racing, the later to commit then sees
 * both, so no dependent and no run completion is missed; a dependent both see is moved pending -> queued
 * by one conditional UPDATE only (the loser re-checks the row after the winner's lock and skips it). Only
 * `settleRun` (when nothing of the run is queued or running any more) takes the run-row lock, so status
 * changes of one run are serialized and each is computed from a snapshot taken under the lock.
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
  /** Outputs of the step's dependencies, by step id. */
  dep_outputs: Record<string, unknown>;
}

const OPEN_RUN = sql.raw(`('queued', 'running', 'waiting_approval')`);

/**
 * Claims a step for this dispatch (queued, or running under an expired lease), stores the `running` event,
 * and returns the step with its run's workspace and actor and its dependencies' outputs: one round trip.
 */
export async function claimStep(db: Db, job: StepJob, lease: string, leaseMs: number): Promise<ClaimedStep | undefined> {
  const r = await sql<ClaimedStep>`
    with c as (
      update steps set status = 'running', lease = ${lease}, lease_until = now() + ${leaseMs} * interval '1 millisecond',
        attempts = attempts + 1, started_at = coalesce(started_at, now()), updated_at = now()
      where run_id = ${job.runId} and id = ${job.stepId} and dispatch = ${job.dispatch}
        and (status = 'queued' or (status = 'running' and lease_until < now()))
      returning run_id, id, tool, input, depends_on, needs_approval, attempts, max_attempts, dispatch, approval_id, approved_by
    ), e as (
      insert into run_events (run_id, step_id, type, data)
      select run_id, id, 'step.status', jsonb_build_object('status', 'running', 'attempt', attempts) from c
    )
    select c.*, r.workspace_id, r.actor as run_actor,
      (select coalesce(jsonb_object_agg(d.id, d.output), '{}'::jsonb) from steps d
        where d.run_id = c.run_id and d.id in (select jsonb_array_elements_text(c.depends_on))) as dep_outputs
    from c join runs r on r.id = c.run_id`.execute(db);
  return r.rows[0];
}

/** Stores a step's success (only while this lease holds) with its output and status events. False: the result is ignored. */
export async function completeStep(db: Db, runId: string, stepId: string, lease: string, output: unknown): Promise<boolean> {
  const out = JSON.stringify(output ?? null);
  const r = await sql<{ n: number }>`
    with u as (
      update steps set status = 'succeeded', output = ${out}::jsonb, error = null, lease = null, lease_until = null,
        finished_at = now(), updated_at = now()
      where run_id = ${runId} and id = ${stepId} and lease = ${lease} and status = 'running'
      returning id
    ), e as (
      insert into run_events (run_id, step_id, type, data)
      select ${runId}, u.id, v.type, v.data from u
      cross join (values (1, 'step.output', jsonb_build_object('output', ${out}::jsonb)),
                         (2, 'step.status', '{"status":"succeeded"}'::jsonb)) as v(ord, type, data)
      order by v.ord
    )
    select count(*)::int as n from u`.execute(db);
  return Number(r.rows[0]?.n ?? 0) > 0;
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
 * After a committed transition: moves the given dependents whose dependencies have all succeeded from
 * pending to queued (one UPDATE ... RETURNING, with their events), and tells whether anything of the run
 * is still queued or running. Its snapshot is taken after the caller's commit (see the module comment).
 */
export async function dispatchAfter(db: Db, runId: string, candidates: string[]): Promise<{ jobs: StepJob[]; active: boolean }> {
  if (!candidates.length) {
    const r = await sql<{ active: boolean }>`
      select exists(select 1 from steps where run_id = ${runId} and status in ('queued', 'running')) as active`.execute(db);
    return { jobs: [], active: Boolean(r.rows[0]?.active) };
  }
  const r = await sql<{ jobs: { id: string; dispatch: number }[]; active: boolean }>`
    with d as (
      update steps s set status = 'queued', dispatch = s.dispatch + 1, updated_at = now()
      where s.run_id = ${runId} and s.id in (${sql.join(candidates)}) and s.status = 'pending'
        and not exists (
          select 1 from jsonb_array_elements_text(s.depends_on) as x(dep)
          join steps p on p.run_id = s.run_id and p.id = x.dep
          where p.status <> 'succeeded')
        and exists (select 1 from runs where id = ${runId} and status in ${OPEN_RUN})
      returning s.id, s.dispatch, s.seq
    ), e as (
      insert into run_events (run_id, step_id, type, data)
      select ${runId}, id, 'step.status', '{"status":"queued"}'::jsonb from d order by seq
    )
    select coalesce((select jsonb_agg(jsonb_build_object('id', id, 'dispatch', dispatch) order by seq) from d), '[]'::jsonb) as jobs,
      exists(select 1 from steps where run_id = ${runId} and status in ('queued', 'running')) as active`.execute(db);
  const row = r.rows[0];
  const jobs = (row?.jobs ?? []).map((j) => ({ runId, stepId: j.id, dispatch: Number(j.dispatch) }));
  return { jobs, active: jobs.length > 0 || Boolean(row?.active) };
}

/**
 * Recomputes the run's status from its steps under the run-row lock and stores it (with an event) when it
 * changed. Returns the new status when it changed.
 */
export async function settleRun(trx: Trx, runId: string): Promise<RunStatus | undefined> {
  const run = await trx.selectFrom('runs').select(['status']).where('id', '=', runId).forNoKeyUpdate().executeTakeFirst();
  if (!run || (TERMINAL_RUN as readonly string[]).includes(run.status)) return undefined;
  const counts = await trx
    .selectFrom('steps')
    .select(['status', sql<number>`count(*)::int`.as('n')])
    .where('run_id', '=', runId)
    .groupBy('status')
    .execute();
  const n = (s: string) => Number(counts.find((c) => c.status === s)?.n ?? 0);
  let status: RunStatus;
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
  if (status === run.status) return undefined;
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
  return status;
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

  private async load(db: Db, runId: string) {
    const hit = this.graphs.get(runId);
    if (hit) return hit;
    const rows = await db.selectFrom('steps').select(['id', 'depends_on']).where('run_id', '=', runId).orderBy('seq').execute();
    const g = new Map<string, string[]>();
    for (const r of rows)
      for (const d of r.depends_on) {
        const list = g.get(d);
        if (list) list.push(r.id);
        else g.set(d, [r.id]);
      }
    if (this.graphs.size >= this.max) this.graphs.delete(this.graphs.keys().next().value as string);
    this.graphs.set(runId, g);
    return g;
  }
}
