import { type Kysely, type Migration, sql } from 'kysely';

/**
 * A run's status is settled in the statement that stored its last transition (issue 17: fewer round trips per run).
 *
 * - `neonhub_settle_run(run)`: under the run-row lock (FOR NO KEY UPDATE, as before), recomputes the run's status
 *   from its steps and, when it changed, stores it (finished_at when final; the first failed step's error when it
 *   failed) with its `run.status` event. Returns the new status, or null when nothing changed. It was a transaction of
 *   six statements from the orchestrator (`settleRun`); it is now one.
 * - `neonhub_dispatch_after(reqs)` (and so `neonhub_complete_steps`) settles, under the locks it already holds, each
 *   run of the batch that has no step queued or running left, in the same transaction as the transition: a run's end
 *   costs no transaction of its own. Rows: ('job', run, step, dispatch, exec) as before; ('active', run) for a run
 *   with work in flight; ('settled', run, status) for a run whose status this call changed.
 */
export const runSettle: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create function neonhub_settle_run(p_run uuid) returns text
      language plpgsql as $$
      #variable_conflict use_column
      declare
        cur text;
        n_open int;
        n_waiting int;
        n_pending int;
        n_failed int;
        n_cancelled int;
        new_status text;
        err jsonb;
      begin
        select r.status into cur from runs r where r.id = p_run for no key update;
        if not found or cur in ('succeeded', 'failed', 'cancelled') then
          return null;
        end if;
        select count(*) filter (where s.status in ('queued', 'running')), count(*) filter (where s.status = 'waiting_approval'),
          count(*) filter (where s.status = 'pending'), count(*) filter (where s.status = 'failed'),
          count(*) filter (where s.status = 'cancelled')
        into n_open, n_waiting, n_pending, n_failed, n_cancelled
        from steps s where s.run_id = p_run;
        new_status := case when n_open > 0 then 'running' when n_waiting > 0 then 'waiting_approval'
          when n_pending > 0 then 'running' when n_failed > 0 then 'failed' when n_cancelled > 0 then 'cancelled'
          else 'succeeded' end;
        if new_status = cur then
          return null;
        end if;
        if new_status = 'failed' then
          select case when s.error is null then null else jsonb_build_object('code', s.error ->> 'code',
            'message', 'step ' || s.id || ' failed: ' || coalesce(s.error ->> 'message', '')) end
          into err from steps s where s.run_id = p_run and s.status = 'failed' order by s.finished_at limit 1;
        end if;
        update runs r set status = new_status, updated_at = now(),
          finished_at = case when new_status in ('succeeded', 'failed', 'cancelled') then now() else r.finished_at end,
          error = coalesce(err, r.error)
        where r.id = p_run;
        insert into run_events (run_id, step_id, type, data)
        values (p_run, null, 'run.status',
          case when err is null then jsonb_build_object('status', new_status) else jsonb_build_object('status', new_status, 'error', err) end);
        return new_status;
      end $$`.execute(db);

    await sql`drop function neonhub_complete_steps(jsonb)`.execute(db);
    await sql`drop function neonhub_dispatch_after(jsonb)`.execute(db);

    await sql`
      create function neonhub_dispatch_after(reqs jsonb)
      returns table (kind text, run_id uuid, id text, dispatch int, exec jsonb, status text)
      language plpgsql as $$
      #variable_conflict use_column
      declare
        q record;
        s steps;
        deps text[];
        run_row runs;
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
          select array(select jsonb_array_elements_text(p.depends_on)) into deps
          from steps p where p.run_id = q.run_id and p.id = q.id and p.status = 'pending';
          continue when not found;
          continue when exists (select 1 from steps p where p.run_id = q.run_id and p.id = any (deps) and p.status <> 'succeeded');
          update steps p set status = 'queued', dispatch = p.dispatch + 1, updated_at = now()
          where p.run_id = q.run_id and p.id = q.id and p.status = 'pending'
            and exists (select 1 from runs where runs.id = p.run_id and runs.status in ('queued', 'running', 'waiting_approval'))
          returning * into s;
          continue when not found;
          insert into run_events (run_id, step_id, type, data) values (q.run_id, q.id, 'step.status', '{"status":"queued"}');
          kind := 'job'; run_id := q.run_id; id := q.id; dispatch := s.dispatch; exec := null; status := null;
          if s.side_effect in ('none', 'read') and not s.needs_approval then
            select * into run_row from runs where runs.id = q.run_id;
            exec := jsonb_build_object('tool', s.tool, 'input', s.input, 'workspaceId', run_row.workspace_id, 'actor', run_row.actor,
              'deps', (select coalesce(jsonb_object_agg(p.id, p.output), '{}'::jsonb) from steps p
                where p.run_id = q.run_id and p.id = any (deps)));
          end if;
          return next;
        end loop;
        for q in select distinct (x ->> 'run_id')::uuid as run_id from jsonb_array_elements(reqs) x loop
          kind := 'active'; run_id := q.run_id; id := null; dispatch := 0; exec := null; status := null;
          if not exists (select 1 from steps p where p.run_id = q.run_id and p.status in ('queued', 'running')) then
            -- Nothing of it in flight: its status is settled here, under the lock already held.
            status := neonhub_settle_run(q.run_id);
            continue when status is null;
            kind := 'settled';
          end if;
          return next;
        end loop;
      end $$`.execute(db);

    await sql`
      create function neonhub_complete_steps(reqs jsonb)
      returns table (kind text, run_id uuid, id text, dispatch int, exec jsonb, status text)
      language plpgsql as $$
      #variable_conflict use_column
      declare
        q record;
        s steps;
      begin
        perform 1 from runs r
        where r.id in (select (x ->> 'run_id')::uuid from jsonb_array_elements(reqs) x)
        order by r.id for no key update;
        for q in select * from jsonb_to_recordset(reqs)
          as v(run_id uuid, id text, lease text, dispatch int, carried_since timestamptz, output jsonb)
        loop
          -- In SET, status and attempts are the row's values before this update.
          update steps set status = 'succeeded', output = coalesce(q.output, 'null'::jsonb), error = null, lease = null,
            lease_until = null, attempts = case when status = 'queued' then attempts + 1 else attempts end,
            started_at = coalesce(started_at, q.carried_since, now()), finished_at = now(), updated_at = now()
          where run_id = q.run_id and id = q.id
            and ((status = 'running' and lease = q.lease)
              or (q.carried_since is not null and status = 'queued' and dispatch = q.dispatch))
          returning * into s;
          continue when not found;
          insert into run_events (run_id, step_id, type, data)
          values (s.run_id, s.id, 'step.status', jsonb_build_object('status', 'succeeded', 'output', s.output));
        end loop;
        return query select * from neonhub_dispatch_after(reqs);
      end $$`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop function neonhub_complete_steps(jsonb)`.execute(db);
    await sql`drop function neonhub_dispatch_after(jsonb)`.execute(db);
    await sql`drop function neonhub_settle_run(uuid)`.execute(db);
    const { createCarriedFunctions } = await import('./0008-carried-steps.js');
    await createCarriedFunctions(db);
  },
};
