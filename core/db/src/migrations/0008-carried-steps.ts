import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Steps whose job carries what they run (core/orchestrator/src/steps.ts, "carried" execution).
 *
 * - `steps.side_effect`: the side effect its tool declared when the run was planned (`none`, `read`, `write`,
 *   `external`; null for steps planned before this migration, which are treated as having one).
 * - `neonhub_dispatch_after(reqs)` now also returns, for each dispatched step without side effects that needs no
 *   approval, `exec`: its tool, input, dependencies' outputs, and its run's workspace and actor, so the worker
 *   runs it without a claim first. Other rows have `exec` null.
 * - `neonhub_complete_steps(reqs)` also stores such a success straight from `queued` (request `carried_since` set),
 *   only while the step is still queued under the dispatch the job carried: a cancelled or superseded step stores
 *   nothing. It counts the attempt and keeps the start time the worker reports.
 */
export const carriedSteps: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table steps add column side_effect text`.execute(db);
    await sql`drop function neonhub_complete_steps(jsonb)`.execute(db);
    await sql`drop function neonhub_dispatch_after(jsonb)`.execute(db);

    await createCarriedFunctions(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop function neonhub_complete_steps(jsonb)`.execute(db);
    await sql`drop function neonhub_dispatch_after(jsonb)`.execute(db);
    await sql`alter table steps drop column side_effect`.execute(db);
    // 0006's functions come back by running its up again minus its index change: recreate them from there.
    const { runTransitions } = await import('./0006-run-transitions.js');
    await runTransitions.down?.(db);
    await runTransitions.up(db);
  },
};

/** This migration's `neonhub_dispatch_after` and `neonhub_complete_steps` (0028's down brings them back). */
export async function createCarriedFunctions(db: Kysely<unknown>): Promise<void> {
  await sql`
      create function neonhub_dispatch_after(reqs jsonb)
      returns table (kind text, run_id uuid, id text, dispatch int, exec jsonb)
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
          kind := 'job'; run_id := q.run_id; id := q.id; dispatch := s.dispatch; exec := null;
          if s.side_effect in ('none', 'read') and not s.needs_approval then
            select * into run_row from runs where runs.id = q.run_id;
            exec := jsonb_build_object('tool', s.tool, 'input', s.input, 'workspaceId', run_row.workspace_id, 'actor', run_row.actor,
              'deps', (select coalesce(jsonb_object_agg(p.id, p.output), '{}'::jsonb) from steps p
                where p.run_id = q.run_id and p.id = any (deps)));
          end if;
          return next;
        end loop;
        for q in select distinct (x ->> 'run_id')::uuid as run_id from jsonb_array_elements(reqs) x loop
          continue when not exists (select 1 from steps p where p.run_id = q.run_id and p.status in ('queued', 'running'));
          kind := 'active'; run_id := q.run_id; id := null; dispatch := 0; exec := null;
          return next;
        end loop;
      end $$`.execute(db);

  await sql`
      create function neonhub_complete_steps(reqs jsonb)
      returns table (kind text, run_id uuid, id text, dispatch int, exec jsonb)
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
}
