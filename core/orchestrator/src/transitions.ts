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

export interface ClaimRequest {
  job: StepJob;
  lease: string;
}

/**
 * Claims steps for their dispatch (queued, or running under an expired lease), stores their `running`
 * events, and returns each claimed step with its run's workspace and actor and its dependencies' outputs:
 * one round trip for the whole batch. Undefined for a request that did not claim.
 */
export async function claimSteps(db: Db, reqs: ClaimRequest[], leaseMs: number): Promise<(ClaimedStep | undefined)[]> {
  const v = JSON.stringify(reqs.map((r) => ({ run_id: r.job.runId, id: r.job.stepId, dispatch: r.job.dispatch, lease: r.lease })));
  const r = await sql<ClaimedStep & { lease: string }>`
    with v as (
      select * from jsonb_to_recordset(${v}::jsonb) as v(run_id uuid, id text, dispatch int, lease text)
    ), c as (
      update steps s set status = 'running', lease = v.lease, lease_until = now() + ${leaseMs} * interval '1 millisecond',
        attempts = s.attempts + 1, started_at = coalesce(s.started_at, now()), updated_at = now()
      from v
      where s.run_id = v.run_id and s.id = v.id and s.dispatch = v.dispatch
        and (s.status = 'queued' or (s.status = 'running' and s.lease_until < now()))
      returning s.run_id, s.id, s.seq, s.tool, s.input, s.depends_on, s.needs_approval, s.attempts, s.max_attempts, s.dispatch,
        s.approval_id, s.approved_by, s.lease
    ), e as (
      insert into run_events (run_id, step_id, type, data)
      select run_id, id, 'step.status', jsonb_build_object('status', 'running', 'attempt', attempts) from c order by run_id, seq
    )
    select c.*, r.workspace_id, r.actor as run_actor,
      (select coalesce(jsonb_object_agg(d.id, d.output), '{}'::jsonb) from steps d
        where d.run_id = c.run_id and d.id = any (array(select jsonb_array_elements_text(c.depends_on)))) as dep_outputs
    from c join runs r on r.id = c.run_id`.execute(db);
  const byLease = new Map(r.rows.map((row) => [row.lease, row]));
  return reqs.map((q) => byLease.get(q.lease));
}

export interface CompleteRequest {
  runId: string;
  stepId: string;
  lease: string;
  output: unknown;
}

/**
 * Stores steps' successes (each only while its lease holds) with their output and status events, in one
 * round trip. False for a step whose result is ignored (cancelled meanwhile, or its lease was taken over).
 */
export async function completeSteps(db: Db, reqs: CompleteRequest[]): Promise<boolean[]> {
  const v = JSON.stringify(reqs.map((r) => ({ run_id: r.runId, id: r.stepId, lease: r.lease, output: r.output ?? null })));
  const r = await sql<{ lease: string }>`
    with v as (
      select * from jsonb_to_recordset(${v}::jsonb) as v(run_id uuid, id text, lease text, output jsonb)
    ), u as (
      update steps s set status = 'succeeded', output = coalesce(v.output, 'null'::jsonb), error = null, lease = null,
        lease_until = null, finished_at = now(), updated_at = now()
      from v
      where s.run_id = v.run_id and s.id = v.id and s.lease = v.lease and s.status = 'running'
      returning s.run_id, s.id, s.seq, s.output, v.lease
    ), e as (
      insert into run_events (run_id, step_id, type, data)
      select u.run_id, u.id, t.type, t.data from u
      cross join lateral (values (1, 'step.output', jsonb_build_object('output', u.output)),
                                 (2, 'step.status', '{"status":"succeeded"}'::jsonb)) as t(ord, type, data)
      order by u.run_id, u.seq, t.ord
    )
    select lease from u`.execute(db);
  const done = new Set(r.rows.map((row) => row.lease));
  return reqs.map((q) => done.has(q.lease));
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

export interface AfterRequest {
  runId: string;
  /** Dependents of the step that changed (none when no step succeeded). */
  candidates: string[];
}

/**
 * After committed transitions: moves the given dependents whose dependencies have all succeeded from pending
 * to queued (locked in a fixed order, so concurrent batches cannot deadlock; with their events), and tells
 * for each run whether anything of it is still queued or running. One round trip for the batch; its
 * snapshot is taken after the callers' commits (see the module comment).
 */
export async function dispatchAfterMany(db: Db, reqs: AfterRequest[]): Promise<{ jobs: StepJob[]; active: boolean }[]> {
  const pairs = JSON.stringify(reqs.flatMap((q) => q.candidates.map((id) => ({ run_id: q.runId, id }))));
  const runIds = JSON.stringify([...new Set(reqs.map((q) => q.runId))]);
  const r = await sql<{ run_id: string; id: string | null; dispatch: number }>`
    with v as (
      select distinct * from jsonb_to_recordset(${pairs}::jsonb) as v(run_id uuid, id text)
    ), c as materialized (
      -- The candidates first, by primary key (so the readiness check below runs once per candidate, whatever
      -- the planner thinks of a table it has no statistics for yet).
      select s.run_id, s.id, s.depends_on from v join steps s on s.run_id = v.run_id and s.id = v.id where s.status = 'pending'
    ), ready as materialized (
      select c.run_id, c.id from c
      where not exists (
          select 1 from steps p
          where p.run_id = c.run_id and p.id = any (array(select jsonb_array_elements_text(c.depends_on))) and p.status <> 'succeeded')
        and exists (select 1 from runs where id = c.run_id and status in ${OPEN_RUN})
    ), l as (
      select s.run_id, s.id from ready join steps s on s.run_id = ready.run_id and s.id = ready.id
      where s.status = 'pending'
      order by s.run_id, s.id
      for no key update of s
    ), d as (
      update steps s set status = 'queued', dispatch = s.dispatch + 1, updated_at = now()
      from l where s.run_id = l.run_id and s.id = l.id and s.status = 'pending'
      returning s.run_id, s.id, s.dispatch, s.seq
    ), e as (
      insert into run_events (run_id, step_id, type, data)
      select run_id, id, 'step.status', '{"status":"queued"}'::jsonb from d order by run_id, seq
    )
    select run_id, id, dispatch from d
    union all
    select x.run_id::uuid, null, 0 from jsonb_array_elements_text(${runIds}::jsonb) as x(run_id)
    where exists (select 1 from steps where run_id = x.run_id::uuid and status in ('queued', 'running'))`.execute(db);
  const jobs = new Map<string, StepJob[]>();
  const active = new Set<string>();
  for (const row of r.rows) {
    active.add(row.run_id);
    if (row.id !== null)
      jobs.set(row.run_id, [...(jobs.get(row.run_id) ?? []), { runId: row.run_id, stepId: row.id, dispatch: Number(row.dispatch) }]);
  }
  // Each dispatched job goes to the first request of its run (the others get none): nothing is enqueued twice.
  const given = new Set<string>();
  return reqs.map((q) => {
    const mine = given.has(q.runId) ? [] : (jobs.get(q.runId) ?? []);
    given.add(q.runId);
    return { jobs: mine, active: active.has(q.runId) };
  });
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
