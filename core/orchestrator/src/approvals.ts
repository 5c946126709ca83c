import type { Actor } from '@neonhub/schemas';
import { isNeonHubError } from '@neonhub/schemas';
import { sql } from 'kysely';
import type { EngineContext } from './context.js';
import { runErrors } from './errors.js';
import { appendEvent, TERMINAL_RUN } from './store.js';
import type { RunView } from './types.js';

/** Deciding steps that wait for approval: approve and reject (through governance when it holds the approval). */
export function createApprovals(ctx: EngineContext) {
  const { deps, db, tx, get, notify, settle, enqueue, afterTransition, skipDescendants } = ctx;

  async function waitingStep(runId: string, stepId: string, workspaceId?: string) {
    const view = await get(runId, workspaceId);
    if ((TERMINAL_RUN as readonly string[]).includes(view.run.status))
      throw runErrors.create('NH_RUN_FINISHED', `run ${runId} already ${view.run.status}`, { details: { runId, status: view.run.status } });
    const row = await db.selectFrom('steps').selectAll().where('run_id', '=', runId).where('id', '=', stepId).executeTakeFirst();
    if (!row) throw runErrors.create('NH_RUN_STEP_NOT_FOUND', `run ${runId} has no step ${stepId}`, { details: { runId, stepId } });
    if (row.status !== 'waiting_approval') {
      throw runErrors.create('NH_RUN_STEP_NOT_WAITING', `step ${stepId} is ${row.status}, not waiting for approval`, {
        details: { runId, stepId, status: row.status },
      });
    }
    return { view, row };
  }

  /**
   * Approves a step waiting for approval. A governance approval is decided through governance:approve,
   * which executes the held call exactly once (same idempotency key); its result completes the step. An
   * approval the orchestrator held (no governance) is recorded and the step dispatched again with it.
   */
  async function approve(
    runId: string,
    stepId: string,
    actor: Actor,
    opts: { note?: string; workspaceId?: string } = {},
  ): Promise<RunView> {
    const { view, row } = await waitingStep(runId, stepId, opts.workspaceId);
    if (row.approval_source === 'governance' && row.approval_id) {
      let approval: { status: string; result?: unknown; error?: { code: string; message: string } | null };
      try {
        const out = await deps.callTool({
          workspace: view.run.workspaceId,
          tool: 'governance:approve',
          input: { approvalId: row.approval_id, ...(opts.note ? { note: opts.note } : {}) },
          actor,
        });
        if (out.status !== 'ok') throw runErrors.create('NH_RUN_STEP_NOT_WAITING', 'governance:approve itself needs approval');
        approval = (out.output as { approval: typeof approval }).approval;
      } catch (err) {
        // Approved before (a retry after a crash): read what the approval produced.
        if (!(isNeonHubError(err) && err.code === 'NH_GOV_APPROVAL_NOT_PENDING')) throw err;
        const out = await deps.callTool({
          workspace: view.run.workspaceId,
          tool: 'governance:get_approval',
          input: { approvalId: row.approval_id },
          actor,
        });
        approval = (out as { output: typeof approval }).output;
      }
      const changed = await tx(async (trx) => {
        /** Moves the step out of waiting_approval as governance's approval left it; false when it no longer waits. */
        const decide = async (outcome: { status: 'succeeded'; output: string } | { status: 'failed'; error: string }) => {
          const r = await trx
            .updateTable('steps')
            .where('run_id', '=', runId)
            .where('id', '=', stepId)
            .where('status', '=', 'waiting_approval')
            .set({ ...outcome, approved_by: JSON.stringify(actor), finished_at: sql`now()`, updated_at: sql`now()` })
            .executeTakeFirst();
          if (r.numUpdatedRows === 0n) return false;
          await appendEvent(trx, runId, stepId, 'approval.decided', {
            approvalId: row.approval_id,
            decision: 'approved',
            by: actor,
            source: 'governance',
          });
          return true;
        };
        if (approval.status === 'executed') {
          if (!(await decide({ status: 'succeeded', output: JSON.stringify(approval.result ?? null) }))) return false;
          await appendEvent(trx, runId, stepId, 'step.status', { status: 'succeeded', output: approval.result ?? null });
        } else {
          const error = approval.error ?? { code: 'NH_RUN_STEP_REJECTED', message: `the approval is ${approval.status}` };
          if (!(await decide({ status: 'failed', error: JSON.stringify(error) }))) return false;
          await appendEvent(trx, runId, stepId, 'step.status', { status: 'failed', error });
          await skipDescendants(trx, runId, stepId);
        }
        return true;
      });
      if (changed) await afterTransition(runId, approval.status === 'executed' ? stepId : null);
    } else {
      const job = await tx(async (trx) => {
        const r = await trx
          .updateTable('steps')
          .set({ status: 'queued', dispatch: sql`dispatch + 1`, approved_by: JSON.stringify(actor), updated_at: sql`now()` })
          .where('run_id', '=', runId)
          .where('id', '=', stepId)
          .where('status', '=', 'waiting_approval')
          .returning(['dispatch'])
          .executeTakeFirst();
        if (!r) return undefined;
        await appendEvent(trx, runId, stepId, 'approval.decided', {
          approvalId: row.approval_id,
          decision: 'approved',
          by: actor,
          source: 'orchestrator',
          ...(opts.note ? { note: opts.note } : {}),
        });
        await appendEvent(trx, runId, stepId, 'step.status', { status: 'queued' });
        return { runId, stepId, dispatch: r.dispatch };
      });
      if (job) {
        // The run is running again before its job can finish (settle sees the queued step).
        await settle(runId);
        await enqueue([job]);
      }
    }
    notify(runId);
    return get(runId);
  }

  /** Rejects a step waiting for approval (through governance:reject when governance holds it): the step fails, dependents are skipped. */
  async function reject(
    runId: string,
    stepId: string,
    actor: Actor,
    reason: string,
    opts: { workspaceId?: string } = {},
  ): Promise<RunView> {
    const { view, row } = await waitingStep(runId, stepId, opts.workspaceId);
    if (row.approval_source === 'governance' && row.approval_id) {
      await deps.callTool({
        workspace: view.run.workspaceId,
        tool: 'governance:reject',
        input: { approvalId: row.approval_id, reason },
        actor,
      });
    }
    const changed = await tx(async (trx) => {
      const error = { code: 'NH_RUN_STEP_REJECTED', message: `rejected: ${reason}`, category: 'user' };
      const r = await trx
        .updateTable('steps')
        .set({
          status: 'failed',
          error: JSON.stringify(error),
          approved_by: JSON.stringify(actor),
          finished_at: sql`now()`,
          updated_at: sql`now()`,
        })
        .where('run_id', '=', runId)
        .where('id', '=', stepId)
        .where('status', '=', 'waiting_approval')
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) return false;
      await appendEvent(trx, runId, stepId, 'approval.decided', { approvalId: row.approval_id, decision: 'rejected', by: actor, reason });
      await appendEvent(trx, runId, stepId, 'step.status', { status: 'failed', error });
      await skipDescendants(trx, runId, stepId);
      return true;
    });
    if (changed) await afterTransition(runId, null);
    notify(runId);
    return get(runId);
  }

  return { approve, reject };
}
