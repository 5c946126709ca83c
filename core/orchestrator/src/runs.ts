import { randomUUID } from 'node:crypto';
import type { RunsTable } from '@neonhub/db';
import type { Actor, Plan, Run, Step } from '@neonhub/schemas';
import { type Selectable, sql } from 'kysely';
import type { EngineContext } from './context.js';
import { runErrors } from './errors.js';
import { stepJob } from './jobs.js';
import { planWithLlm } from './planner-llm.js';
import { type PlanParams, planOffline } from './planner-offline.js';
import { appendEvent, TERMINAL_RUN, toRun } from './store.js';
import { referencedSteps } from './template.js';
import { carriable, type PlanContext, type RunView, type StartRunInput } from './types.js';
import { validatePlan } from './validate-plan.js';

/** A run's lifecycle: plan, start, list, cancel. */
export function createRunLifecycle(ctx: EngineContext) {
  const { deps, db, maxAttempts, runTx, graphs, notify, notifyStatus, finished, get, enqueue } = ctx;

  /** Plans a goal (or checks a given plan) against the workspace's enabled tools; stores nothing. */
  async function plan(workspace: string, goal: string, params: PlanParams = {}, given?: unknown): Promise<{ plan: Plan; planner: string }> {
    const { plan, planner } = await planFor((await deps.resolveWorkspace(workspace)).id, goal, params, given);
    return { plan, planner };
  }

  async function planFor(workspaceId: string, goal: string, params: PlanParams = {}, given?: unknown, actor?: Actor) {
    const tools = await deps.tools(workspaceId);
    const sideEffects = new Map(tools.map((t) => [t.name, t.sideEffect]));
    const checked = (p: unknown, planner: string, memory?: PlanContext) => ({
      plan: validatePlan(p, tools),
      planner,
      sideEffects,
      memory: memory?.sources ?? [],
    });
    if (given !== undefined) return checked(given, 'given');
    const memory = await memoryFor(workspaceId, goal, actor);
    const llm = await deps.planner?.(workspaceId);
    if (llm) return checked(await planWithLlm(llm, goal, tools, params, memory?.facts), 'llm', memory);
    const offline = planOffline(goal, tools, params, (await deps.catalogue?.(workspaceId)) ?? []);
    if (memory?.sources.length) {
      const titles = [...new Set(memory.sources.map((s) => s.title))];
      offline.notes.push(
        `memory: ${memory.facts.length} facts for this goal from ${titles.map((t) => `"${t}"`).join(', ')}; each draft recalls its own`,
      );
    }
    return checked(offline, 'offline', memory);
  }

  /** The planner's memory context (deps.planContext); a failure is logged and planning goes on without. */
  async function memoryFor(workspaceId: string, goal: string, actor?: Actor): Promise<PlanContext | undefined> {
    if (!deps.planContext) return undefined;
    try {
      return await deps.planContext(workspaceId, goal, actor);
    } catch (err) {
      deps.logger?.warn({ err, workspaceId }, 'memory context for planning failed: planning without it');
      return undefined;
    }
  }

  /** Plans, validates and stores a run, and dispatches the steps that depend on nothing, in one transaction. */
  async function start(input: StartRunInput): Promise<RunView> {
    const goal = input.goal.trim();
    if (!goal || goal.length > 4000) throw runErrors.create('NH_RUN_PLAN_INVALID', 'the goal must be 1 to 4000 characters');
    const ws = await deps.resolveWorkspace(input.workspace);
    const planned = await planFor(ws.id, goal, input.params, input.plan, input.actor);
    const runId = randomUUID();
    const roots = planned.plan.steps.filter((s) => s.dependsOn.length === 0);
    // The steps as one JSON parameter (a multi-row VALUES would bind 12 parameters per step).
    const rows = planned.plan.steps.map((s, seq) => ({
      id: s.id,
      seq,
      tool: s.tool,
      title: s.title ?? null,
      input: s.input,
      depends_on: s.dependsOn,
      input_refs: referencedSteps(s.input),
      needs_approval: s.needsApproval ?? false,
      side_effect: planned.sideEffects.get(s.tool) ?? null,
    }));
    const created = { goal, workspaceId: ws.id, actor: input.actor };
    const plannedEvent = {
      planner: planned.planner,
      notes: planned.plan.notes,
      steps: planned.plan.steps,
      ...(planned.memory.length ? { memory: planned.memory } : {}),
    };
    // One statement (one round trip, one commit): the run, its steps, and its events in order (`run.created`,
    // `run.planned`, then the roots' `queued`), numbered in that order by the one INSERT that writes them all.
    // The foreign keys to the run are checked at the end of the statement, when it exists.
    const inserted = await sql<Selectable<RunsTable>>`
      with r as (
        insert into runs (id, workspace_id, goal, status, planner, notes, actor)
        values (${runId}::uuid, ${ws.id}::uuid, ${goal}, 'running', ${planned.planner}, ${JSON.stringify(planned.plan.notes)}::jsonb,
          ${JSON.stringify(input.actor)}::jsonb)
        returning *
      ), s as (
        insert into steps (run_id, id, seq, tool, title, input, depends_on, input_refs, needs_approval, side_effect, status, dispatch,
          max_attempts)
        select ${runId}::uuid, x.id, x.seq, x.tool, x.title, x.input, x.depends_on, x.input_refs, x.needs_approval, x.side_effect,
          case when jsonb_array_length(x.depends_on) = 0 then 'queued' else 'pending' end,
          case when jsonb_array_length(x.depends_on) = 0 then 1 else 0 end, ${maxAttempts}::int
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as x(id text, seq int, tool text, title text, input jsonb, depends_on jsonb, input_refs jsonb, needs_approval boolean,
            side_effect text)
        returning id, seq, status
      ), e as (
        insert into run_events (run_id, step_id, type, data)
        select ${runId}::uuid, ev.step_id, ev.type, ev.data from (
          select 0 as k, 0 as seq, null::text as step_id, 'run.created' as type, ${JSON.stringify(created)}::jsonb as data
          union all select 1, 0, null, 'run.planned', ${JSON.stringify(plannedEvent)}::jsonb
          union all select 2, s.seq, s.id, 'step.status', '{"status":"queued"}'::jsonb from s where s.status = 'queued'
        ) ev
        order by ev.k, ev.seq
      )
      select * from r`.execute(db);
    const run = toRun(inserted.rows[0]!);
    graphs.remember(runId, planned.plan.steps);
    await enqueue(
      roots.map((s) =>
        stepJob(
          { runId, stepId: s.id, dispatch: 1 },
          carriable(planned.sideEffects.get(s.tool), s.needsApproval)
            ? { tool: s.tool, input: s.input, deps: {}, workspaceId: ws.id, actor: input.actor }
            : null,
        ),
      ),
    );
    notify(runId);
    // The run as created (reading it back would cost as much as writing it; its steps may have moved on already).
    const steps = planned.plan.steps.map(
      (s): Step => ({
        id: s.id,
        runId,
        tool: s.tool,
        input: s.input,
        dependsOn: s.dependsOn,
        status: s.dependsOn.length ? 'pending' : 'queued',
        attempts: 0,
        needsApproval: s.needsApproval ?? false,
        maxAttempts,
        ...(s.title ? { title: s.title } : {}),
      }),
    );
    return { run, steps };
  }

  async function list(workspace: string, limit = 50): Promise<Run[]> {
    const ws = await deps.resolveWorkspace(workspace);
    const rows = await db
      .selectFrom('runs')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc') // runs created in one millisecond: the same ones, in one order, at the limit
      .limit(limit)
      .execute();
    return rows.map(toRun);
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
    await finished(runId);
    notifyStatus(runId);
    return get(runId);
  }

  return { plan, start, list, cancel };
}
