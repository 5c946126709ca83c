import { sql } from 'kysely';
import type { EngineContext } from './context.js';
import { toRun, toStep } from './store.js';
import type { RunView } from './types.js';

/**
 * A waiting step still counts until its approval's expiry (migration 0032), if it has one: past it, it leaves the
 * lists at once, before the recovery sweep fails it.
 */
const stillWaiting = (column: 'steps.approval_expires_at' | 's.approval_expires_at') =>
  sql<boolean>`(${sql.ref(column)} is null or ${sql.ref(column)} > now())`;

/**
 * The runs of a workspace that hold at least one step waiting for a decision (whose approval has not expired), each with all its steps (a waiting
 * step's input may name other steps' outputs), newest first. Two queries whatever the workspace holds: the runs
 * (on the partial index of active runs) with an EXISTS probe of their steps, then their steps by primary key.
 * Generic: it reads only the run tables, whatever holds the steps.
 */
export function createWaitingQuery(ctx: Pick<EngineContext, 'db' | 'deps'>) {
  const { db } = ctx;
  async function listWaiting(workspace: string, opts: { limit?: number } = {}): Promise<RunView[]> {
    const ws = await ctx.deps.resolveWorkspace(workspace);
    const runs = await db
      .selectFrom('runs')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .where('status', 'in', ['running', 'waiting_approval'])
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('steps')
            .select('steps.id')
            .whereRef('steps.run_id', '=', 'runs.id')
            .where('steps.status', '=', 'waiting_approval')
            .where(stillWaiting('steps.approval_expires_at')),
        ),
      )
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc') // runs created in one millisecond: one order on every read
      .limit(opts.limit ?? 100)
      .execute();
    if (!runs.length) return [];
    const steps = await db
      .selectFrom('steps')
      .selectAll()
      .where(
        'run_id',
        'in',
        runs.map((r) => r.id),
      )
      .orderBy('run_id')
      .orderBy('seq')
      .execute();
    const byRun = new Map<string, RunView['steps']>();
    for (const s of steps) {
      const list = byRun.get(s.run_id) ?? [];
      list.push(toStep(s));
      byRun.set(s.run_id, list);
    }
    return runs.map((r) => ({ run: toRun(r), steps: byRun.get(r.id) ?? [] }));
  }

  /**
   * Steps that came to wait for a decision (their `approval.requested` event) after the event `after` and/or since
   * `since`, in event order, each while it still waits (and its approval has not expired): the feed a notifier reads. One query on the events' key.
   */
  async function approvalsRequested(opts: { after?: number; since?: Date; limit?: number }): Promise<RequestedApproval[]> {
    let q = db
      .selectFrom('run_events as e')
      .innerJoin('runs as r', 'r.id', 'e.run_id')
      .innerJoin('steps as s', (j) => j.onRef('s.run_id', '=', 'e.run_id').onRef('s.id', '=', 'e.step_id'))
      .select(['e.id as eventId', 'e.at', 'r.workspace_id', 'r.id as runId', 'r.goal', 's.id as stepId', 's.title', 's.tool'])
      .where('e.type', '=', 'approval.requested')
      .where('s.status', '=', 'waiting_approval')
      .where(stillWaiting('s.approval_expires_at'));
    if (opts.after !== undefined) q = q.where('e.id', '>', opts.after as never);
    if (opts.since) q = q.where('e.at', '>', opts.since);
    const rows = await q
      .orderBy('e.id')
      .limit(opts.limit ?? 200)
      .execute();
    return rows.map((r) => ({
      eventId: Number(r.eventId),
      at: new Date(r.at).toISOString(),
      workspaceId: r.workspace_id,
      runId: r.runId,
      runGoal: r.goal,
      stepId: r.stepId,
      title: r.title ?? null,
      tool: r.tool,
    }));
  }

  return { listWaiting, approvalsRequested };
}

/** A step that waits for a decision, as `approvalsRequested` reports it. */
export interface RequestedApproval {
  eventId: number;
  at: string;
  workspaceId: string;
  runId: string;
  runGoal: string;
  stepId: string;
  title: string | null;
  tool: string;
}
