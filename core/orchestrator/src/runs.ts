import { randomUUID } from 'node:crypto';
import type { Actor, Plan, Run } from '@neonhub/schemas';
import { sql } from 'kysely';
import type { EngineContext } from './context.js';
import { runErrors } from './errors.js';
import { stepJob } from './jobs.js';
import { planWithLlm } from './planner-llm.js';
import { type PlanParams, planOffline } from './planner-offline.js';
import { appendEvent, TERMINAL_RUN, toRun } from './store.js';
import { carriable, type RunView, type StartRunInput } from './types.js';
import { validatePlan } from './validate-plan.js';

/** A run's lifecycle: plan, start, list, cancel. */
export function createRunLifecycle(ctx: EngineContext) {
  const { deps, db, maxAttempts, tx, runTx, graphs, notify, notifyStatus, get, enqueue } = ctx;

  /** Plans a goal (or checks a given plan) against the workspace's enabled tools; stores nothing. */
  async function plan(workspace: string, goal: string, params: PlanParams = {}, given?: unknown): Promise<{ plan: Plan; planner: string }> {
    const { plan, planner } = await planFor((await deps.resolveWorkspace(workspace)).id, goal, params, given);
    return { plan, planner };
  }

  async function planFor(workspaceId: string, goal: string, params: PlanParams = {}, given?: unknown) {
    const tools = await deps.tools(workspaceId);
    const sideEffects = new Map(tools.map((t) => [t.name, t.sideEffect]));
    const checked = (p: unknown, planner: string) => ({ plan: validatePlan(p, tools), planner, sideEffects });
    if (given !== undefined) return checked(given, 'given');
    const llm = await deps.planner?.(workspaceId);
    if (llm) return checked(await planWithLlm(llm, goal, tools, params), 'llm');
    return checked(planOffline(goal, tools, params), 'offline');
  }

  /** Plans, validates and stores a run, and dispatches the steps that depend on nothing, in one transaction. */
  async function start(input: StartRunInput): Promise<RunView> {
    const goal = input.goal.trim();
    if (!goal || goal.length > 4000) throw runErrors.create('NH_RUN_PLAN_INVALID', 'the goal must be 1 to 4000 characters');
    const ws = await deps.resolveWorkspace(input.workspace);
    const planned = await planFor(ws.id, goal, input.params, input.plan);
    const runId = randomUUID();
    const roots = planned.plan.steps.filter((s) => s.dependsOn.length === 0);
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
              side_effect: planned.sideEffects.get(s.tool) ?? null,
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
          ...roots.map((s) => ({ run_id: runId, step_id: s.id, type: 'step.status', data: JSON.stringify({ status: 'queued' }) })),
        ])
        .execute();
    });
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
    return get(runId);
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

  return { plan, start, list, cancel };
}
