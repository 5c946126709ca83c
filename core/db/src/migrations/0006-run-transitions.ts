import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The orchestrator's hot-path transitions (core/orchestrator/src/transitions.ts) as PL/pgSQL functions: a
 * function's statements keep their plans for the session (no planning per call), and a function can take the
 * run-row lock and then read with a fresh snapshot, which one SQL statement cannot.
 *
 * - `neonhub_claim_steps(reqs, lease_ms)`: claims steps for their dispatch (queued, or running under an expired
 *   lease), stores their `running` events, returns each with its run's workspace and actor and its
 *   dependencies' outputs.
 * - `neonhub_dispatch_after(reqs)`: under the lock of each run concerned (taken in id order), moves the given
 *   candidates whose dependencies all succeeded from pending to queued (with events), then tells which runs
 *   still have a step queued or running. Rows: ('job', run, step, dispatch) and ('active', run).
 * - `neonhub_complete_steps(reqs)`: under the same run locks, stores successes (only while their lease holds)
 *   with their `step.status` event (which carries the output), then dispatches as above in the same transaction.
 *   Rows: those of the dispatch.
 *
 * Every check of what a transition unblocked runs under the run lock with a snapshot taken after acquiring
 * it, so of two transitions racing, the later to lock sees both: no dependent and no run completion is
 * missed. The run is locked before any of its steps, as cancel and settle do, so they cannot deadlock.
 */
export const runTransitions: Migration = {
  async up(db: Kysely<unknown>) {
    // Whether a run still has work in flight is one probe of this index (it was a scan of every open step). With
    // the step id in it, a claim planned on it (its condition implies the index's) is still an exact lookup.
    await db.schema.dropIndex('steps_open_idx').execute();
    await db.schema
      .createIndex('steps_open_idx')
      .on('steps')
      .columns(['run_id', 'id'])
      .where(sql.ref('status'), 'in', ['queued', 'running'])
      .execute();

    // Each request is handled by primary key in a loop: a set-based join over jsonb_to_recordset (estimated at
    // 100 rows) is planned as a scan of the whole steps table.
    await sql`
      create function neonhub_claim_steps(reqs jsonb, lease_ms int)
      returns table (run_id uuid, id text, tool text, input jsonb, depends_on jsonb, needs_approval boolean, attempts int,
        max_attempts int, dispatch int, approval_id text, approved_by jsonb, lease text, workspace_id uuid, run_actor jsonb,
        dep_outputs jsonb)
      language plpgsql as $$
      #variable_conflict use_column
      declare
        q record;
        s steps;
      begin
        for q in select * from jsonb_to_recordset(reqs) as v(run_id uuid, id text, dispatch int, lease text) loop
          update steps set status = 'running', lease = q.lease, lease_until = now() + lease_ms * interval '1 millisecond',
            attempts = attempts + 1, started_at = coalesce(started_at, now()), updated_at = now()
          where run_id = q.run_id and id = q.id and dispatch = q.dispatch
            and (status = 'queued' or (status = 'running' and lease_until < now()))
          returning * into s;
          continue when not found;
          insert into run_events (run_id, step_id, type, data)
          values (s.run_id, s.id, 'step.status', jsonb_build_object('status', 'running', 'attempt', s.attempts));
          return query
          select s.run_id, s.id, s.tool, s.input, s.depends_on, s.needs_approval, s.attempts, s.max_attempts, s.dispatch,
            s.approval_id, s.approved_by, s.lease, r.workspace_id, r.actor,
            case when jsonb_array_length(s.depends_on) = 0 then '{}'::jsonb else
              (select coalesce(jsonb_object_agg(d.id, d.output), '{}'::jsonb) from steps d
                where d.run_id = s.run_id and d.id = any (array(select jsonb_array_elements_text(s.depends_on)))) end
          from runs r where r.id = s.run_id;
        end loop;
      end $$`.execute(db);

    await sql`
      create function neonhub_dispatch_after(reqs jsonb)
      returns table (kind text, run_id uuid, id text, dispatch int)
      language plpgsql as $$
      #variable_conflict use_column
      declare
        q record;
        n int;
        deps text[];
      begin
        perform 1 from runs r
        where r.id in (select (x ->> 'run_id')::uuid from jsonb_array_elements(reqs) x)
        order by r.id for no key update;
        -- New statements from here: their snapshots are taken after the locks, so they see every transition
        -- committed before them.
        for q in
          select distinct x.run_id, c.id from jsonb_to_recordset(reqs) as x(run_id uuid, candidates jsonb)
          cross join lateral jsonb_array_elements_text(x.candidates) as c(id)
          order by x.run_id, c.id
        loop
          -- Its dependencies as an array, then one primary-key probe for them: a NOT EXISTS over the steps table
          -- may be planned as an anti join over every step of the run.
          select array(select jsonb_array_elements_text(s.depends_on)) into deps
          from steps s where s.run_id = q.run_id and s.id = q.id and s.status = 'pending';
          continue when not found;
          continue when exists (select 1 from steps p where p.run_id = q.run_id and p.id = any (deps) and p.status <> 'succeeded');
          update steps s set status = 'queued', dispatch = s.dispatch + 1, updated_at = now()
          where s.run_id = q.run_id and s.id = q.id and s.status = 'pending'
            and exists (select 1 from runs where runs.id = s.run_id and runs.status in ('queued', 'running', 'waiting_approval'))
          returning s.dispatch into n;
          continue when not found;
          insert into run_events (run_id, step_id, type, data) values (q.run_id, q.id, 'step.status', '{"status":"queued"}');
          kind := 'job'; run_id := q.run_id; id := q.id; dispatch := n;
          return next;
        end loop;
        for q in select distinct (x ->> 'run_id')::uuid as run_id from jsonb_array_elements(reqs) x loop
          continue when not exists (select 1 from steps s where s.run_id = q.run_id and s.status in ('queued', 'running'));
          kind := 'active'; run_id := q.run_id; id := null; dispatch := 0;
          return next;
        end loop;
      end $$`.execute(db);

    await sql`
      create function neonhub_complete_steps(reqs jsonb)
      returns table (kind text, run_id uuid, id text, dispatch int)
      language plpgsql as $$
      #variable_conflict use_column
      declare
        q record;
        s steps;
      begin
        perform 1 from runs r
        where r.id in (select (x ->> 'run_id')::uuid from jsonb_array_elements(reqs) x)
        order by r.id for no key update;
        for q in select * from jsonb_to_recordset(reqs) as v(run_id uuid, id text, lease text, output jsonb) loop
          update steps set status = 'succeeded', output = coalesce(q.output, 'null'::jsonb), error = null, lease = null,
            lease_until = null, finished_at = now(), updated_at = now()
          where run_id = q.run_id and id = q.id and lease = q.lease and status = 'running'
          returning * into s;
          continue when not found;
          insert into run_events (run_id, step_id, type, data)
          values (s.run_id, s.id, 'step.status', jsonb_build_object('status', 'succeeded', 'output', s.output));
        end loop;
        return query select * from neonhub_dispatch_after(reqs);
      end $$`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    for (const fn of ['neonhub_complete_steps(jsonb)', 'neonhub_dispatch_after(jsonb)', 'neonhub_claim_steps(jsonb, int)'])
      await sql.raw(`drop function if exists ${fn}`).execute(db);
    await db.schema.dropIndex('steps_open_idx').execute();
    await db.schema
      .createIndex('steps_open_idx')
      .on('steps')
      .column('status')
      .where(sql.ref('status'), 'in', ['queued', 'running'])
      .execute();
  },
};
