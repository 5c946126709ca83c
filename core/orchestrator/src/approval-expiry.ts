import { sql } from 'kysely';
import type { EngineContext } from './context.js';
import { runErrors } from './errors.js';
import { appendEvent } from './store.js';

/**
 * Steps whose approval expired before anyone decided (`steps.approval_expires_at`, as the approvals provider said when
 * it held the call; migration 0032). Such a step fails with `NH_RUN_APPROVAL_EXPIRED` (an `approval.decided` event with
 * decision `expired`), its dependents are skipped, and its run ends failed saying why once nothing else of it runs,
 * rather than waiting forever. The recovery sweep calls it (no timer per step); approve and reject call it for their
 * step, so a decision after the expiry gets that code.
 */
export function createApprovalExpiry(ctx: Pick<EngineContext, 'db' | 'tx' | 'afterTransition' | 'skipDescendants' | 'notify'>) {
  const { db, tx, afterTransition, skipDescendants, notify } = ctx;

  /** Fails the expired waiting steps (all, or the one given); returns how many it failed. */
  async function expireApprovals(only?: { runId: string; stepId: string }): Promise<number> {
    const due = await db
      .selectFrom('steps')
      .select(['run_id', 'id', 'approval_id', 'approval_source', 'approval_expires_at'])
      .where('status', '=', 'waiting_approval')
      .where('approval_expires_at', '<=', sql<Date>`now()`)
      .$if(only !== undefined, (q) => q.where('run_id', '=', only!.runId).where('id', '=', only!.stepId))
      .orderBy('approval_expires_at')
      .orderBy('run_id')
      .orderBy('id')
      .limit(500)
      .execute();
    let expired = 0;
    for (const s of due) {
      const expiresAt = new Date(s.approval_expires_at!).toISOString();
      const e = runErrors.create(
        'NH_RUN_APPROVAL_EXPIRED',
        `the approval expired at ${expiresAt} before anyone decided; the step did not run (start the run again to ask anew)`,
      );
      const error = { code: e.code, message: e.message, category: e.category };
      const changed = await tx(async (trx) => {
        const r = await trx
          .updateTable('steps')
          .set({ status: 'failed', error: JSON.stringify(error), finished_at: sql`now()`, updated_at: sql`now()` })
          .where('run_id', '=', s.run_id)
          .where('id', '=', s.id)
          .where('status', '=', 'waiting_approval')
          .where('approval_expires_at', '<=', sql<Date>`now()`)
          .executeTakeFirst();
        if (r.numUpdatedRows === 0n) return false; // decided meanwhile
        await appendEvent(trx, s.run_id, s.id, 'approval.decided', {
          approvalId: s.approval_id,
          decision: 'expired',
          source: s.approval_source,
          expiresAt,
        });
        await appendEvent(trx, s.run_id, s.id, 'step.status', { status: 'failed', error });
        await skipDescendants(trx, s.run_id, s.id);
        return true;
      });
      if (!changed) continue;
      expired++;
      await afterTransition(s.run_id, null);
      notify(s.run_id);
    }
    return expired;
  }

  return { expireApprovals };
}
