import { randomUUID } from 'node:crypto';
import type { RunErrorJson as ErrorJson } from '@neonhub/db';
import { type Actor, crashPoint, isNeonHubError } from '@neonhub/schemas';
import { neonhubMetrics, traceRunStep } from '@neonhub/telemetry';
import { sql } from 'kysely';
import type { EngineContext } from './context.js';
import { approveThroughProvider, heldApproval, type Outcome } from './held-approvals.js';
import type { StepExec, StepJob } from './jobs.js';
import { appendEvent, type Db, type Trx } from './store.js';
import { resolveTemplates } from './template.js';
import { type ClaimedStep, type CompleteRequest, renewStepLeases, requeueStep } from './transitions.js';
import { idempotencyKeyOf } from './types.js';

const RETRYABLE = new Set(['transient', 'third_party']);
const PLAN_APPROVAL_REASON = 'the plan marks this step for approval';
const ORCHESTRATOR = 'orchestrator';
const STORE_ATTEMPTS = 3;
const STORED = { written: Promise.resolve() };

/** An approval's expiry as ISO 8601, when the provider gave one that reads as a time. */
function expiryOf(expiresAt: unknown): string | undefined {
  const t = typeof expiresAt === 'string' ? Date.parse(expiresAt) : Number.NaN;
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function errorJson(err: unknown): ErrorJson {
  if (isNeonHubError(err)) return { code: err.code, message: err.message, category: err.category };
  // an error as a plugin stored it ({ code, message }, e.g. an approval's failed call): the person decides, not a retry
  const e = err as { code?: unknown; message?: unknown } | null;
  if (e && typeof e === 'object' && !(e instanceof Error) && typeof e.code === 'string' && typeof e.message === 'string')
    return { code: e.code, message: e.message, category: 'user' };
  return { code: 'NH_INTERNAL', message: err instanceof Error ? err.message : String(err), category: 'internal' };
}

/** Running step jobs: carried (run, then store) or claimed (claim, hold for approval, call, record). */
export function createStepExecutor(ctx: EngineContext) {
  const {
    deps,
    db,
    tx,
    leaseMs,
    backoffBase,
    markRunningAfterMs,
    claim: claimStep,
    complete,
    notify,
    enqueue,
    afterTransition,
    skipDescendants,
  } = ctx;

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Leases this process holds on running steps (renewed by the worker's heartbeat), by lease. */
  const leases = new Map<string, { runId: string; stepId: string }>();

  /** Claims the step for this dispatch (queued, or running under an expired lease); the lease is then held. */
  async function claimOnce(job: StepJob, lease: string): Promise<ClaimedStep | undefined> {
    const claimed = await claimStep({ job, lease });
    if (claimed) leases.set(lease, { runId: job.runId, stepId: job.stepId });
    return claimed;
  }

  /** Claims the step for this dispatch, waiting once for a live lease another worker holds. */
  async function claim(job: StepJob, lease: string) {
    for (let waited = 0; ; ) {
      const claimed = await claimOnce(job, lease);
      if (claimed) return claimed;
      // Re-delivered while another worker's lease still holds (it may be alive): wait for the lease, once.
      const cur = await db
        .selectFrom('steps')
        .select(['status', 'dispatch', sql<number>`extract(epoch from (lease_until - now())) * 1000`.as('left')])
        .where('run_id', '=', job.runId)
        .where('id', '=', job.stepId)
        .executeTakeFirst();
      if (cur?.status === 'succeeded' && cur.dispatch === job.dispatch) {
        // Re-delivered after its worker stored the result (its dependents were dispatched in the same transaction)
        // and died: settle the run if that was its last step. A dependent whose job was never added is left to the
        // recovery sweep.
        await afterTransition(job.runId, job.stepId);
        return undefined;
      }
      if (cur?.status !== 'running' || cur.dispatch !== job.dispatch || waited > leaseMs * 2) return undefined;
      const wait = Math.max(50, Math.ceil(Number(cur.left)) + 50);
      waited += wait;
      await sleep(wait);
    }
  }

  /**
   * Stores a success through the group commit, trying again on a database error (the write is conditional
   * on the lease, or on the step still being queued under this dispatch, so a retry after a lost reply stores
   * nothing twice). Should every try fail, the step stays running under its lease (or queued) and the recovery
   * sweep dispatches it again once the lease has expired (or it has been untouched as long).
   */
  async function store(req: Omit<CompleteRequest, 'candidates'>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await complete(req);
        return;
      } catch (err) {
        if (attempt >= STORE_ATTEMPTS) throw err;
        await sleep(100 * 4 ** (attempt - 1));
      }
    }
  }

  /** Calls the step's tool through the host pipeline (a `run.step` span when tracing is on); never throws. */
  async function callStep(
    job: StepJob,
    call: { workspace: string; tool: string; actor: Actor; approvalId?: string; approvalRequested?: { reason: string } },
    input: () => unknown,
  ): Promise<Outcome> {
    let outcome: Outcome;
    try {
      const resolved = input();
      const result = await traceRunStep({ runId: job.runId, stepId: job.stepId, tool: call.tool }, () =>
        deps.callTool({ ...call, input: resolved, idempotencyKey: idempotencyKeyOf(job.runId, job.stepId) }),
      );
      if (result.status === 'ok') outcome = { ok: true, output: result.output };
      else {
        const expiresAt = expiryOf(result.expiresAt);
        outcome = {
          ok: false,
          pending: {
            reason: result.reason,
            ...(result.approvalId ? { approvalId: result.approvalId } : {}),
            ...(result.plugin ? { plugin: result.plugin } : {}),
            ...(expiresAt ? { expiresAt } : {}),
          },
        };
      }
    } catch (err) {
      outcome = { ok: false, error: err };
    }
    neonhubMetrics().recordRunStep(outcome.ok ? 'ok' : 'pending' in outcome ? 'pending_approval' : 'error');
    return outcome;
  }

  /**
   * Handles one step job. Resolves once the job may be acknowledged; `written` settles when a success is
   * stored and its dependents dispatched (the worker overlaps that write with fetching its next job). Every
   * other outcome is stored before it resolves.
   */
  async function execute(job: StepJob): Promise<{ written: Promise<void> }> {
    const lease = randomUUID();
    const release = () => leases.delete(lease);
    try {
      const handled = await (job.exec ? executeCarried(job, job.exec, lease) : executeClaimed(job, lease));
      handled.written.then(release, release);
      return handled;
    } catch (err) {
      release();
      throw err;
    }
  }

  /**
   * Extends every lease this process holds (one statement), so that a step whose tool runs long keeps its lease
   * and `leaseMs` only bounds how long a dead worker's steps wait. The worker calls it every `leaseMs / 3`.
   */
  async function renewLeases(): Promise<void> {
    if (leases.size)
      await renewStepLeases(
        db as Db,
        [...leases].map(([lease, s]) => ({ ...s, lease })),
        leaseMs,
      );
  }

  /**
   * A step without side effects whose job carries its tool and input: the tool runs at once, and the success is
   * stored from `queued` in one write, only while the step is still queued under this dispatch (a cancelled or
   * superseded step's result is ignored, as a claimed one's would be). Running it twice, should its job be
   * delivered twice, changes nothing outside. A step still running after `markRunningAfterMs` is claimed
   * meanwhile (status running, with a lease) so that it shows; a failure or a hold for approval claims it and
   * is then recorded as for any claimed step.
   */
  async function executeCarried(job: StepJob, exec: StepExec, lease: string): Promise<{ written: Promise<void> }> {
    const startedAt = new Date().toISOString();
    let marked: Promise<ClaimedStep | undefined> | undefined;
    const timer = setTimeout(() => {
      marked = claimOnce(job, lease);
      marked.then((s) => s && notify(job.runId)).catch(() => {});
    }, markRunningAfterMs);
    const outcome = await callStep(job, { workspace: exec.workspaceId, tool: exec.tool, actor: exec.actor }, () => exec.input);
    clearTimeout(timer);
    if (outcome.ok) {
      const write = async () => {
        // Marked running but the mark did not claim it (cancelled, superseded, or stored by another delivery): ignored.
        if (marked && !(await marked)) return;
        await store({
          runId: job.runId,
          stepId: job.stepId,
          lease,
          dispatch: job.dispatch,
          ...(marked ? {} : { carriedSince: startedAt }),
          output: outcome.output,
        });
      };
      return { written: write() };
    }
    const step = await (marked ?? claimOnce(job, lease));
    if (!step) return STORED;
    return record(job, step, lease, outcome);
  }

  /** Any other step: claim it, hold it for approval when the plan says so, call the tool, record the outcome. */
  async function executeClaimed(job: StepJob, lease: string): Promise<{ written: Promise<void> }> {
    const step = await claim(job, lease);

    if (!step) return STORED; // finished, cancelled, or superseded by a newer dispatch: nothing to do
    notify(job.runId);

    // Approved while an approvals provider held it: its approve tool, as the approver, executes the held call (once,
    // with the step's idempotency key) or reports what it already did. Run again after a crash, it resumes.
    if (step.approval_id && step.approved_by) {
      const held = await heldApproval(db as Db, job);
      if (held.source && held.source !== ORCHESTRATOR) {
        const outcome = await approveThroughProvider(deps, step, held.source, held.note);
        crashPoint('orchestrator.step.called');
        if (outcome.ok)
          return { written: store({ runId: job.runId, stepId: job.stepId, lease, dispatch: job.dispatch, output: outcome.output }) };
        if ('refused' in outcome) return backToWaiting(job, step, lease, outcome.refused);
        return record(job, step, lease, outcome);
      }
    }

    // An approval the orchestrator holds itself (no approvals provider in the workspace).
    if (step.needs_approval && !step.approval_id && !(await deps.approvalsProvider(step.workspace_id))) {
      const approvalId = randomUUID();
      const held = await tx(async (trx) => {
        const r = await owned(trx, job, lease)
          .set({
            status: 'waiting_approval',
            approval_id: approvalId,
            approval_source: ORCHESTRATOR,
            lease: null,
            lease_until: null,
            attempts: sql`attempts - 1`,
            updated_at: sql`now()`,
          })
          .executeTakeFirst();
        if (r.numUpdatedRows === 0n) return false;
        await appendEvent(trx, job.runId, job.stepId, 'approval.requested', {
          approvalId,
          source: ORCHESTRATOR,
          reason: PLAN_APPROVAL_REASON,
          tool: step.tool,
        });
        await appendEvent(trx, job.runId, job.stepId, 'step.status', { status: 'waiting_approval', approvalId });
        return true;
      });
      if (held) await afterTransition(job.runId, null);
      return STORED;
    }

    const outcome = await callStep(
      job,
      {
        workspace: step.workspace_id,
        tool: step.tool,
        actor: step.run_actor as Actor,
        ...(step.approval_id && step.approved_by
          ? { approvalId: step.approval_id }
          : // the plan's own request: the approvals provider holds the step whatever its policy says
            step.needs_approval
            ? { approvalRequested: { reason: PLAN_APPROVAL_REASON } }
            : {}),
      },
      () => resolveTemplates(step.input, step.dep_outputs ?? {}),
    );
    crashPoint('orchestrator.step.called');
    // Cancelled meanwhile, or the lease was taken over: the result is ignored.
    if (outcome.ok)
      return {
        written: store({ runId: job.runId, stepId: job.stepId, lease, dispatch: job.dispatch, output: outcome.output }),
      };
    return record(job, step, lease, outcome);
  }

  /** The approver may not approve (the approvals provider refused them): the step waits for approval again, undecided. */
  async function backToWaiting(job: StepJob, step: ClaimedStep, lease: string, err: unknown): Promise<{ written: Promise<void> }> {
    const error = errorJson(err);
    const back = await tx(async (trx) => {
      const r = await owned(trx, job, lease)
        .set({
          status: 'waiting_approval',
          approved_by: null,
          lease: null,
          lease_until: null,
          attempts: sql`attempts - 1`,
          updated_at: sql`now()`,
        })
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) return false;
      await appendEvent(trx, job.runId, job.stepId, 'approval.decided', { approvalId: step.approval_id, decision: 'refused', error });
      await appendEvent(trx, job.runId, job.stepId, 'step.status', { status: 'waiting_approval', approvalId: step.approval_id });
      return true;
    });
    if (back) await afterTransition(job.runId, null);
    return STORED;
  }

  /** The step row while this lease owns it (cancelled meanwhile, or taken over: no row). */
  const owned = (trx: Trx, job: StepJob, lease: string) =>
    trx
      .updateTable('steps')
      .where('run_id', '=', job.runId)
      .where('id', '=', job.stepId)
      .where('lease', '=', lease)
      .where('status', '=', 'running');

  /** Records a claimed step's hold for approval (asked by a policy) or failure (retried when transient). */
  async function record(
    job: StepJob,
    step: ClaimedStep,
    lease: string,
    outcome: Exclude<Outcome, { ok: true }>,
  ): Promise<{ written: Promise<void> }> {
    if ('pending' in outcome) {
      const pending = outcome.pending;
      const held = await tx(async (trx) => {
        const r = await owned(trx, job, lease)
          .set({
            status: 'waiting_approval',
            approval_id: pending.approvalId ?? null,
            approval_source: pending.plugin ?? null,
            approval_expires_at: pending.expiresAt ?? null,
            lease: null,
            lease_until: null,
            updated_at: sql`now()`,
          })
          .executeTakeFirst();
        if (r.numUpdatedRows === 0n) return false;
        await appendEvent(trx, job.runId, job.stepId, 'approval.requested', {
          approvalId: pending.approvalId ?? null,
          source: pending.plugin ?? null,
          reason: pending.reason,
          tool: step.tool,
          ...(pending.expiresAt ? { expiresAt: pending.expiresAt } : {}),
        });
        await appendEvent(trx, job.runId, job.stepId, 'step.status', {
          status: 'waiting_approval',
          approvalId: pending.approvalId ?? null,
        });
        return true;
      });
      if (held) await afterTransition(job.runId, null);
      return STORED;
    }
    const error = errorJson(outcome.error);
    if (RETRYABLE.has(error.category ?? '') && step.attempts < step.max_attempts) {
      const retryDelay = Math.min(30_000, backoffBase * 2 ** (step.attempts - 1));
      const retry = await requeueStep(db as Db, job.runId, job.stepId, lease, error, {
        status: 'queued',
        retryInMs: retryDelay,
        attempt: step.attempts,
        error,
      });
      if (retry) await enqueue([retry], retryDelay);
      notify(job.runId);
      return STORED;
    }
    const failed = await tx(async (trx) => {
      const r = await owned(trx, job, lease)
        .set({
          status: 'failed',
          error: JSON.stringify(error),
          lease: null,
          lease_until: null,
          finished_at: sql`now()`,
          updated_at: sql`now()`,
        })
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) return false;
      await appendEvent(trx, job.runId, job.stepId, 'step.status', { status: 'failed', error });
      await skipDescendants(trx, job.runId, job.stepId);
      return true;
    });
    if (failed) await afterTransition(job.runId, null);
    return STORED;
  }

  return { execute, renewLeases };
}
