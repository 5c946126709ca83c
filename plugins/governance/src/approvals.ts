import { createHash, randomUUID } from 'node:crypto';
import { type Actor, ActorSchema } from '@neonhub/schemas';
import type { PluginStore, ToolCallEvent } from '@neonhub/sdk';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import { govErrors } from './errors.js';
import { updateRecord } from './store-util.js';

export const APPROVALS = 'approvals';
/** (tool, idempotency key) -> approval id: a retried call finds its approval instead of opening another. */
export const APPROVAL_KEYS = 'approval_keys';

export const ApprovalStatusSchema = z.enum(['pending', 'approved', 'rejected', 'expired', 'executed', 'failed']);
export type ApprovalStatus = z.infer<typeof ApprovalStatusSchema>;

export const ApprovalSchema = z.object({
  id: z.string(),
  tool: z.string(),
  input: z.unknown(),
  /** SHA-256 of the input's RFC 8785 canonical JSON. */
  inputHash: z.string(),
  /** Who made the call that needs approval. */
  actor: ActorSchema,
  sideEffect: z.string(),
  reason: z.string(),
  rule: z.string(),
  idempotencyKey: z.string(),
  callId: z.string(),
  policyVersion: z.number().int(),
  status: ApprovalStatusSchema,
  createdAt: z.string(),
  expiresAt: z.string(),
  decidedBy: ActorSchema.nullable(),
  decidedAt: z.string().nullable(),
  /** The approver's note, or the rejection reason. */
  note: z.string().nullable(),
  /** Set once, atomically, when the approved call passes beforeToolCall; a second use is denied. */
  consumedAt: z.string().nullable(),
  consumedByCallId: z.string().nullable(),
  executedAt: z.string().nullable(),
  result: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type Approval = z.infer<typeof ApprovalSchema>;

export function inputHash(input: unknown): string {
  return createHash('sha256')
    .update(canonicalize(input ?? null) ?? 'null')
    .digest('hex');
}

/** A pending approval past its expiresAt counts as expired, whether or not that was written yet. */
export function effective(a: Approval, now: Date): Approval {
  return a.status === 'pending' && now.toISOString() >= a.expiresAt ? { ...a, status: 'expired' } : a;
}

const keyFor = (tool: string, idempotencyKey: string) => createHash('sha256').update(`${tool}\n${idempotencyKey}`).digest('hex');

async function getApproval(store: PluginStore, id: string) {
  return store.get<Approval>(APPROVALS, id);
}

/** An approval as it stands now (a pending one past its time reads as expired), without writing. */
export async function viewApproval(store: PluginStore, id: string, now: Date): Promise<Approval | undefined> {
  const rec = await getApproval(store, id);
  return rec ? effective(rec.value, now) : undefined;
}

/** Reads an approval, writing `expired` when a pending one is past its time. */
export async function readApproval(store: PluginStore, id: string, now: Date): Promise<Approval | undefined> {
  const rec = await getApproval(store, id);
  if (!rec) return undefined;
  const eff = effective(rec.value, now);
  if (eff.status !== rec.value.status) await store.putIf(APPROVALS, id, eff, rec.version);
  return eff;
}

export type ApprovalRequest = { kind: 'approval'; approval: Approval; reused: boolean } | { kind: 'rejected'; approval: Approval };

/**
 * Opens an approval for a call, or returns the one already opened for the same tool and idempotency key
 * (a retry): a pending, approved or executed one is reused, a rejected one is reported, an expired or failed
 * one is replaced by a new request.
 */
export async function requestApproval(
  store: PluginStore,
  event: ToolCallEvent,
  opts: { rule: string; reason: string; ttlHours: number; policyVersion: number; now: Date },
): Promise<ApprovalRequest> {
  const key = keyFor(event.tool, event.idempotencyKey);
  for (let attempt = 0; attempt < 20; attempt++) {
    const link = await store.get<{ approvalId: string }>(APPROVAL_KEYS, key);
    if (link) {
      const existing = await readApproval(store, link.value.approvalId, opts.now);
      if (existing && existing.status === 'rejected') return { kind: 'rejected', approval: existing };
      if (existing && ['pending', 'approved', 'executed'].includes(existing.status))
        return { kind: 'approval', approval: existing, reused: true };
    }
    const approval: Approval = {
      id: randomUUID(),
      tool: event.tool,
      input: event.input,
      inputHash: inputHash(event.input),
      actor: event.actor,
      sideEffect: event.sideEffect,
      reason: opts.reason,
      rule: opts.rule,
      idempotencyKey: event.idempotencyKey,
      callId: event.callId,
      policyVersion: opts.policyVersion,
      status: 'pending',
      createdAt: opts.now.toISOString(),
      expiresAt: new Date(opts.now.getTime() + opts.ttlHours * 3_600_000).toISOString(),
      decidedBy: null,
      decidedAt: null,
      note: null,
      consumedAt: null,
      consumedByCallId: null,
      executedAt: null,
      error: null,
    };
    // Write the approval, then claim the idempotency key with compare-and-set: of two concurrent retries one
    // claims it and the other withdraws its approval and reuses the winner's.
    await store.put(APPROVALS, approval.id, approval);
    if ((await store.putIf(APPROVAL_KEYS, key, { approvalId: approval.id }, link?.version ?? 0)) === null) {
      await store.delete(APPROVALS, approval.id);
      continue;
    }
    return { kind: 'approval', approval, reused: false };
  }
  throw govErrors.create('NH_GOV_STORE_CONFLICT', `the approval request for ${event.tool} kept changing under concurrent writers; retry`);
}

export type ConsumeResult =
  | { ok: true; approval: Approval }
  | {
      ok: false;
      code:
        | 'NH_GOV_APPROVAL_NOT_FOUND'
        | 'NH_GOV_APPROVAL_MISMATCH'
        | 'NH_GOV_APPROVAL_NOT_APPROVED'
        | 'NH_GOV_APPROVAL_USED'
        | 'NH_GOV_APPROVAL_EXPIRED';
      reason: string;
    };

/**
 * Checks that a call may execute approval `id` (exists, same tool, same canonical input, approved, not
 * expired, not used) and marks it used with compare-and-set: of two calls racing, exactly one gets `ok`.
 */
export async function consumeApproval(store: PluginStore, id: string, event: ToolCallEvent, now: Date): Promise<ConsumeResult> {
  const rec = await getApproval(store, id);
  if (!rec) return { ok: false, code: 'NH_GOV_APPROVAL_NOT_FOUND', reason: `approval ${id} does not exist` };
  const a = rec.value;
  if (a.tool !== event.tool)
    return { ok: false, code: 'NH_GOV_APPROVAL_MISMATCH', reason: `approval ${id} was granted for ${a.tool}, not ${event.tool}` };
  if (a.inputHash !== inputHash(event.input))
    return { ok: false, code: 'NH_GOV_APPROVAL_MISMATCH', reason: `approval ${id} was granted for another input to ${a.tool}` };
  if (a.consumedAt)
    return { ok: false, code: 'NH_GOV_APPROVAL_USED', reason: `approval already used: ${id} executed its call at ${a.consumedAt}` };
  if (a.status !== 'approved')
    return { ok: false, code: 'NH_GOV_APPROVAL_NOT_APPROVED', reason: `approval ${id} is ${effective(a, now).status}, not approved` };
  if (now.toISOString() >= a.expiresAt)
    return { ok: false, code: 'NH_GOV_APPROVAL_EXPIRED', reason: `approval ${id} expired at ${a.expiresAt}` };
  const used: Approval = { ...a, consumedAt: now.toISOString(), consumedByCallId: event.callId };
  if ((await store.putIf(APPROVALS, id, used, rec.version)) === null)
    return { ok: false, code: 'NH_GOV_APPROVAL_USED', reason: `approval already used: ${id} was consumed by a concurrent call` };
  return { ok: true, approval: used };
}

/**
 * Moves a pending approval to approved or rejected with compare-and-set: of two concurrent decisions exactly
 * one succeeds; the other gets NH_GOV_APPROVAL_NOT_PENDING.
 */
export async function decideApproval(
  store: PluginStore,
  id: string,
  decision: { status: 'approved' | 'rejected'; by: Actor; note: string | null; now: Date },
): Promise<Approval> {
  const rec = await getApproval(store, id);
  if (!rec)
    throw govErrors.create('NH_GOV_APPROVAL_NOT_FOUND', `approval ${id} does not exist in this workspace`, { details: { approvalId: id } });
  const current = effective(rec.value, decision.now);
  if (current.status === 'expired') {
    if (rec.value.status !== 'expired') await store.putIf(APPROVALS, id, current, rec.version);
    throw govErrors.create('NH_GOV_APPROVAL_EXPIRED', `approval ${id} expired at ${current.expiresAt}; the call must be made again`, {
      details: { approvalId: id, expiresAt: current.expiresAt },
    });
  }
  if (current.status !== 'pending') {
    throw govErrors.create('NH_GOV_APPROVAL_NOT_PENDING', `approval ${id} is already ${current.status}`, {
      details: { approvalId: id, status: current.status },
    });
  }
  const next: Approval = {
    ...current,
    status: decision.status,
    decidedBy: decision.by,
    decidedAt: decision.now.toISOString(),
    note: decision.note,
  };
  if ((await store.putIf(APPROVALS, id, next, rec.version)) === null) {
    const now = (await getApproval(store, id))?.value.status ?? 'changed';
    throw govErrors.create('NH_GOV_APPROVAL_NOT_PENDING', `approval ${id} was decided concurrently (it is now ${now})`, {
      details: { approvalId: id, status: now },
    });
  }
  return next;
}

/**
 * Resumes an approval that was decided `approved` but whose call never recorded an outcome (the process died
 * between the decision, the call and storing its result): releases its one use with compare-and-set so that the
 * call can pass beforeToolCall again. The call is made again with the approval's own idempotency key, so a
 * connector that already sent it (the SDK's `recordOnce`) returns the first result and sends nothing twice.
 */
export async function reopenApproved(store: PluginStore, id: string): Promise<Approval> {
  const rec = await getApproval(store, id);
  if (rec?.value.status !== 'approved')
    throw govErrors.create('NH_GOV_APPROVAL_NOT_PENDING', `approval ${id} is ${rec?.value.status ?? 'gone'}, not awaiting its call`, {
      details: { approvalId: id, status: rec?.value.status ?? null },
    });
  if (!rec.value.consumedAt) return rec.value;
  const reopened: Approval = { ...rec.value, consumedAt: null, consumedByCallId: null };
  if ((await store.putIf(APPROVALS, id, reopened, rec.version)) === null)
    throw govErrors.create('NH_GOV_STORE_CONFLICT', `approval ${id} changed while resuming its call; retry`, {
      details: { approvalId: id },
    });
  return reopened;
}

/** Stores what executing an approved call produced: `executed` with the result, or `failed` with the error; an outcome already recorded is kept. */
export async function recordExecution(
  store: PluginStore,
  id: string,
  outcome: { result: unknown } | { error: { code: string; message: string } },
  now: Date,
): Promise<Approval> {
  // The first outcome recorded stands: a concurrent resume never turns an executed approval into a failed one.
  const next = await updateRecord<Approval>(store, APPROVALS, id, (a) =>
    a && a.status !== 'executed' && a.status !== 'failed'
      ? {
          ...a,
          executedAt: now.toISOString(),
          ...('error' in outcome
            ? { status: 'failed' as const, error: outcome.error }
            : { status: 'executed' as const, result: outcome.result, error: null }),
        }
      : undefined,
  );
  if (!next) throw govErrors.create('NH_GOV_APPROVAL_NOT_FOUND', `approval ${id} disappeared while executing`);
  // updateRecord returns the stored value when the change is declined (an outcome was already recorded)
  return next;
}

/** Approvals in creation order, optionally of one (effective) status, paged by the store's seq. */
export async function listApprovals(
  store: PluginStore,
  opts: { status?: ApprovalStatus; tool?: string; limit: number; after?: number },
  now: Date,
): Promise<{ approvals: Approval[]; next: number | null }> {
  const out: Approval[] = [];
  let after = opts.after;
  for (;;) {
    const page = await store.list<Approval>(APPROVALS, { order: 'seq', limit: 200, ...(after !== undefined ? { after } : {}) });
    for (const r of page) {
      after = r.seq;
      const a = effective(r.value, now);
      if ((opts.status && a.status !== opts.status) || (opts.tool && a.tool !== opts.tool)) continue;
      out.push(a);
      if (out.length === opts.limit) return { approvals: out, next: r.seq };
    }
    if (page.length < 200) return { approvals: out, next: null };
  }
}

/** Writes `expired` on every pending approval past its expiresAt; returns their ids. */
export async function expireApprovals(store: PluginStore, now: Date): Promise<string[]> {
  const expired: string[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await store.list<Approval>(APPROVALS, { order: 'seq', limit: 200, ...(after !== undefined ? { after } : {}) });
    for (const r of page) {
      after = r.seq;
      const a = effective(r.value, now);
      if (a.status === 'expired' && r.value.status === 'pending' && (await store.putIf(APPROVALS, r.key, a, r.version)) !== null)
        expired.push(a.id);
    }
    if (page.length < 200) return expired;
  }
}
