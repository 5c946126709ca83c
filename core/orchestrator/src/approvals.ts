import { type Actor, APPROVALS_TOOLS, crashPoint } from '@neonhub/schemas';
import { sql } from 'kysely';
import { createApprovalExpiry } from './approval-expiry.js';
import type { EngineContext } from './context.js';
import { runErrors } from './errors.js';
import { appendEvent, TERMINAL_RUN } from './store.js';
import type { RunView } from './types.js';

/** Deciding steps that wait for approval: approve and reject (through the approvals provider when one holds the approval). */
export function createApprovals(ctx: EngineContext) {
  const { deps, db, tx, get, notify, settle, enqueue, afterTransition, skipDescendants } = ctx;
  const { expireApprovals } = createApprovalExpiry(ctx);

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
    // Decided after its approval expired (before the sweep came by): the step fails as the sweep would fail it.
    if (row.approval_expires_at && new Date(row.approval_expires_at) <= new Date() && (await expireApprovals({ runId, stepId }))) {
      const expiresAt = new Date(row.approval_expires_at).toISOString();
      throw runErrors.create('NH_RUN_APPROVAL_EXPIRED', `the approval of step ${stepId} expired at ${expiresAt}; the step failed`, {
        details: { runId, stepId, expiresAt },
      });
    }
    return { view, row };
  }

  /** The last decision recorded on a step's approval (its `approval.decided` event), if any. */
  async function lastDecision(runId: string, stepId: string): Promise<string | undefined> {
    const e = await db
      .selectFrom('run_events')
      .select('data')
      .where('run_id', '=', runId)
      .where('step_id', '=', stepId)
      .where('type', '=', 'approval.decided')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return (e?.data as { decision?: string } | undefined)?.decision;
  }

  /**
   * Approves a step waiting for approval. The decision and the step's way forward are one transaction of record:
   * the step leaves `waiting_approval` for `queued` (with who approved it, and the `approval.decided` event) before
   * anything is called, and its job then makes the call. When an approvals provider holds the approval, the job
   * calls the provider's `approve` as the approver, which executes the held call with the step's idempotency key
   * (see steps.ts); otherwise the job calls the tool with the approval. Should the process die anywhere after that
   * write (before the call, after the send, before the result is stored), recovery dispatches the step again and
   * the call is made again with the same key, which the connector deduplicates: the step never shows
   * `waiting_approval` once its side effect may have happened, and nothing is sent twice.
   *
   * Approving a step that was already approved is a no-op that returns the run as it is.
   */
  async function approve(
    runId: string,
    stepId: string,
    actor: Actor,
    opts: { note?: string; workspaceId?: string } = {},
  ): Promise<RunView> {
    const current = await get(runId, opts.workspaceId);
    const step = current.steps.find((s) => s.id === stepId);
    if (step && step.status !== 'waiting_approval' && step.approvalId && (await lastDecision(runId, stepId)) === 'approved') return current;
    const { row } = await waitingStep(runId, stepId, opts.workspaceId);
    const source = heldByProvider(row) ? (row.approval_source as string) : 'orchestrator';
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
        source,
        ...(opts.note ? { note: opts.note } : {}),
      });
      await appendEvent(trx, runId, stepId, 'step.status', { status: 'queued' });
      return { runId, stepId, dispatch: r.dispatch };
    });
    crashPoint('orchestrator.approve.recorded');
    if (job) {
      // The run is running again before its job can finish (settle sees the queued step).
      await settle(runId);
      await enqueue([job]);
    }
    notify(runId);
    return get(runId);
  }

  /** Rejects a step waiting for approval (through the provider's `reject` when one holds it): the step fails, dependents are skipped. */
  async function reject(
    runId: string,
    stepId: string,
    actor: Actor,
    reason: string,
    opts: { workspaceId?: string } = {},
  ): Promise<RunView> {
    const { view, row } = await waitingStep(runId, stepId, opts.workspaceId);
    if (heldByProvider(row)) {
      await deps.callTool({
        workspace: view.run.workspaceId,
        tool: `${row.approval_source}:${APPROVALS_TOOLS.reject}`,
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

/** Whether an approvals provider (a plugin) holds the step's approval, rather than the orchestrator. */
const heldByProvider = (row: { approval_source: string | null; approval_id: string | null }) =>
  !!row.approval_id && !!row.approval_source && row.approval_source !== 'orchestrator';
