import { type Kysely, type Migration, sql } from 'kysely';

/**
 * A step's input may reference the output of any of its ancestors (`{{steps.<id>.output…}}`), as plan validation
 * has always allowed, not only its direct dependencies'.
 *
 * - `steps.input_refs`: the ids of the steps whose outputs the step's input references (each an ancestor; the plan's
 *   templates are known when it is stored). Null for steps stored before this migration: they read their direct
 *   dependencies' outputs, as they did.
 * - `neonhub_claim_steps` (`dep_outputs`) and `neonhub_dispatch_after` (a carried step's `exec.deps`) hand a step
 *   the outputs of exactly those steps: one primary-key probe as before, and none for a step that references nothing
 *   (it read every dependency's output).
 *
 * Signatures and result columns are unchanged (`create or replace`), so `neonhub_complete_steps` is untouched.
 */
export const stepInputRefs: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table steps add column input_refs jsonb`.execute(db);
    await createFunctions(db, true);
  },
  async down(db: Kysely<unknown>) {
    await createFunctions(db, false);
    await sql`alter table steps drop column input_refs`.execute(db);
  },
};

/**
 * The two functions; `withRefs` false gives them as migrations 0006 (claim) and 0028 (dispatch) left them: each
 * step reads its direct dependencies' outputs.
 */
async function createFunctions(db: Kysely<unknown>, withRefs: boolean): Promise<void> {
  const claimRefs = withRefs ? sql.raw('coalesce(s.input_refs, s.depends_on)') : sql.raw('s.depends_on');
  await sql`
      create or replace function neonhub_claim_steps(reqs jsonb, lease_ms int)
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
            case when jsonb_array_length(${claimRefs}) = 0 then '{}'::jsonb else
              (select coalesce(jsonb_object_agg(d.id, d.output), '{}'::jsonb) from steps d
                where d.run_id = s.run_id and d.id = any (array(select jsonb_array_elements_text(${claimRefs})))) end
          from runs r where r.id = s.run_id;
        end loop;
      end $$`.execute(db);

  const dispatchRefs = withRefs
    ? sql.raw('case when s.input_refs is null then deps else array(select jsonb_array_elements_text(s.input_refs)) end')
    : sql.raw('deps');
  await sql`
      create or replace function neonhub_dispatch_after(reqs jsonb)
      returns table (kind text, run_id uuid, id text, dispatch int, exec jsonb, status text)
      language plpgsql as $$
      #variable_conflict use_column
      declare
        q record;
        s steps;
        deps text[];
        refs text[];
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
            -- The outputs its input references (any ancestor's; its dependencies' for a step stored before 0031).
            refs := ${dispatchRefs};
            exec := jsonb_build_object('tool', s.tool, 'input', s.input, 'workspaceId', run_row.workspace_id, 'actor', run_row.actor,
              'deps', case when cardinality(refs) = 0 then '{}'::jsonb else
                (select coalesce(jsonb_object_agg(p.id, p.output), '{}'::jsonb) from steps p
                  where p.run_id = q.run_id and p.id = any (refs)) end);
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
}
