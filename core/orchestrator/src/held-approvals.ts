/**
 * Steps approved while an approvals provider held them: the job that runs such a step asks the provider (as the
 * approver) to execute the held call, or to report what it already did (see steps.ts and docs/runs.md).
 */
import { type Actor, APPROVALS_TOOLS, isNeonHubError } from '@neonhub/schemas';
import { runErrors } from './errors.js';
import type { StepJob } from './jobs.js';
import type { Db } from './store.js';
import type { ClaimedStep } from './transitions.js';
import type { OrchestratorDeps } from './types.js';

/** What calling a step's tool came to: its output, a hold for approval, or an error (never thrown). */
export type Outcome =
  | { ok: true; output: unknown }
  | { ok: false; pending: { approvalId?: string; reason: string; plugin?: string; expiresAt?: string } }
  | { ok: false; error: unknown };

/** Who holds a decided step's approval, and the approver's note (from its `approval.decided` event). */
export async function heldApproval(db: Db, job: StepJob): Promise<{ source: string | null; note?: string }> {
  const row = await db
    .selectFrom('steps')
    .select('approval_source')
    .where('run_id', '=', job.runId)
    .where('id', '=', job.stepId)
    .executeTakeFirst();
  const decided = await db
    .selectFrom('run_events')
    .select('data')
    .where('run_id', '=', job.runId)
    .where('step_id', '=', job.stepId)
    .where('type', '=', 'approval.decided')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  const note = (decided?.data as { note?: unknown } | undefined)?.note;
  return { source: row?.approval_source ?? null, ...(typeof note === 'string' ? { note } : {}) };
}

/**
 * `<provider>:approve` for a step approved while an approvals provider held it, as the person who approved it (the
 * approvals contract, docs/plugin-authors.md): the provider executes the held call once, with the step's idempotency
 * key, or reports what it already did. When the approve is refused as the caller's mistake (the approval was decided
 * or expired meanwhile, or the approver may not approve), the approval is read with `<provider>:get_approval`: still
 * pending means the approver was refused (`refused`: the step waits again); otherwise its status decides. An executed
 * approval is the step's success with the call's result.
 */
export async function approveThroughProvider(
  deps: OrchestratorDeps,
  step: ClaimedStep,
  provider: string,
  note: string | undefined,
): Promise<Outcome | { ok: false; refused: unknown }> {
  const actor = step.approved_by as Actor;
  const approvalId = step.approval_id as string;
  type Held = { status: string; result?: unknown; error?: { code: string; message: string } | null };
  let approval: Held;
  try {
    const out = await deps.callTool({
      workspace: step.workspace_id,
      tool: `${provider}:${APPROVALS_TOOLS.approve}`,
      input: { approvalId, ...(note ? { note } : {}) },
      actor,
    });
    if (out.status !== 'ok')
      return { ok: false, error: { code: 'NH_RUN_STEP_REJECTED', message: `${provider}:approve itself needs approval` } };
    approval = (out.output as { approval: Held }).approval;
  } catch (err) {
    if (!(isNeonHubError(err) && err.category === 'user')) return { ok: false, error: err };
    try {
      const out = await deps.callTool({
        workspace: step.workspace_id,
        tool: `${provider}:${APPROVALS_TOOLS.get}`,
        input: { approvalId },
        actor,
      });
      approval = (out as { output: Held }).output;
    } catch (readErr) {
      return { ok: false, error: readErr };
    }
    if (approval.status === 'pending') return { ok: false, refused: err };
  }
  if (approval.status === 'executed') return { ok: true, output: approval.result ?? null };
  // Approved and being executed by another approve right now: try again shortly (transient), it will have an outcome.
  if (approval.status === 'approved')
    return {
      ok: false,
      error: runErrors.create('NH_RUN_STEP_INTERRUPTED', `approval ${approvalId} is being executed elsewhere; retrying`),
    };
  return { ok: false, error: approval.error ?? { code: 'NH_RUN_STEP_REJECTED', message: `the approval is ${approval.status}` } };
}
