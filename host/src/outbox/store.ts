import { randomUUID } from 'node:crypto';
import type {
  DB,
  Kysely,
  OutboxErrorJson,
  OutboxMessagesTable,
  OutboxRecipientStatusValue,
  OutboxStatusValue,
  Selectable,
  UpdateObject,
} from '@neonhub/db';
import { sql } from '@neonhub/db';

/**
 * The outbox's queries (tables of migration 0011). Every state change is one conditional statement: a claim holds
 * only under the job's dispatch (or a `sending` row whose lease expired), and an outcome is stored only while the
 * claim's lease holds, so two workers never both send, and a worker that lost its lease stores nothing.
 */
export type OutboxRow = Selectable<OutboxMessagesTable>;
type Db = Kysely<DB>;

export interface NewMessage {
  workspaceId: string;
  pluginId: string;
  tool: string;
  idempotencyKey: string;
  input: unknown;
  inputHash: string;
  actor: unknown;
  callId: string;
  approvalId: string | null;
  channel: string | null;
  connection: string | null;
  recipients: string[];
  maxAttempts: number;
}

/** Writes a message (and its recipients) once per (workspace, tool, key); returns the stored one and whether this call wrote it. */
export async function insertOrGet(db: Db, m: NewMessage): Promise<{ row: OutboxRow; created: boolean }> {
  const created = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('outbox_messages')
      .values({
        id: randomUUID(),
        workspace_id: m.workspaceId,
        plugin_id: m.pluginId,
        tool: m.tool,
        idempotency_key: m.idempotencyKey,
        input: JSON.stringify(m.input ?? null),
        input_hash: m.inputHash,
        actor: JSON.stringify(m.actor),
        call_id: m.callId,
        approval_id: m.approvalId,
        channel: m.channel,
        connection: m.connection,
        status: 'queued',
        max_attempts: m.maxAttempts,
      })
      .onConflict((oc) => oc.columns(['workspace_id', 'tool', 'idempotency_key']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row && m.recipients.length) {
      await trx
        .insertInto('outbox_recipients')
        .values([...new Set(m.recipients)].map((r) => ({ message_id: row.id, recipient: r, status: 'queued' as const })))
        .execute();
    }
    return row;
  });
  if (created) return { row: created, created: true };
  const row = await db
    .selectFrom('outbox_messages')
    .selectAll()
    .where('workspace_id', '=', m.workspaceId)
    .where('tool', '=', m.tool)
    .where('idempotency_key', '=', m.idempotencyKey)
    .executeTakeFirstOrThrow();
  return { row, created: false };
}

export async function getRow(db: Db, id: string, workspaceId?: string): Promise<OutboxRow | undefined> {
  let q = db.selectFrom('outbox_messages').selectAll().where('id', '=', id);
  if (workspaceId) q = q.where('workspace_id', '=', workspaceId);
  return q.executeTakeFirst();
}

/** Takes a message for one attempt: under the job's dispatch while queued or retrying, or a `sending` one whose lease expired. */
export async function claim(db: Db, id: string, dispatch: number, lease: string, leaseMs: number): Promise<OutboxRow | undefined> {
  return db
    .updateTable('outbox_messages')
    .set({
      status: 'sending',
      lease,
      lease_until: sql<Date>`now() + make_interval(secs => ${leaseMs / 1000})`,
      attempts: sql<number>`attempts + 1`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('dispatch', '=', dispatch)
    .where((eb) =>
      eb.or([eb('status', 'in', ['queued', 'retrying']), eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', sql<Date>`now()`)])]),
    )
    .returningAll()
    .executeTakeFirst();
}

/** Stores a delivery (only while the lease holds) and marks its recipients sent. */
export async function markDelivered(db: Db, id: string, lease: string, result: unknown, providerId: string | null): Promise<boolean> {
  const row = await transition(
    db,
    id,
    { lease, from: ['sending'] },
    { status: 'delivered', result: JSON.stringify(result ?? null), delivered_at: sql<Date>`now()`, lease: null, lease_until: null },
    { from: ['queued'], set: { status: 'sent', provider_message_id: providerId } },
  );
  return row !== undefined;
}

/**
 * Puts a claimed message back for a later attempt under a new dispatch (only while the lease holds). `failure`
 * counts the attempt against max_attempts (a provider rate limit does not); `undo` also takes the attempt back
 * (the dispatcher's own rate limit deferred it before anything was sent). Returns the new dispatch.
 */
export async function reschedule(
  db: Db,
  id: string,
  lease: string,
  opts: { delayMs: number; error?: OutboxErrorJson; failure: boolean; undo?: boolean },
): Promise<number | undefined> {
  const r = await db
    .updateTable('outbox_messages')
    .set({
      status: opts.undo ? sql<OutboxStatusValue>`case when attempts <= 1 then 'queued' else 'retrying' end` : 'retrying',
      attempts: opts.undo ? sql<number>`greatest(attempts - 1, 0)` : sql<number>`attempts`,
      failures: opts.failure ? sql<number>`failures + 1` : sql<number>`failures`,
      dispatch: sql<number>`dispatch + 1`,
      next_attempt_at: sql<Date>`now() + make_interval(secs => ${Math.max(0, opts.delayMs) / 1000})`,
      ...(opts.error ? { last_error: JSON.stringify(opts.error) } : {}),
      lease: null,
      lease_until: null,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('lease', '=', lease)
    .where('status', '=', 'sending')
    .returning('dispatch')
    .executeTakeFirst();
  return r?.dispatch;
}

/** Gives up on a claimed message (only while the lease holds): dead, with its error; its recipients failed. */
export async function markDead(db: Db, id: string, lease: string, error: OutboxErrorJson, failure: boolean): Promise<boolean> {
  const row = await transition(
    db,
    id,
    { lease, from: ['sending'] },
    {
      status: 'dead',
      last_error: JSON.stringify(error),
      failures: failure ? sql<number>`failures + 1` : sql<number>`failures`,
      lease: null,
      lease_until: null,
    },
    { from: ['queued'], set: { status: 'failed', detail: error.code } },
  );
  return row !== undefined;
}

/** Messages whose job may be lost: due (queued or retrying) or sending under an expired lease. */
export async function orphanCandidates(db: Db, limit: number): Promise<Pick<OutboxRow, 'id' | 'dispatch' | 'status'>[]> {
  return db
    .selectFrom('outbox_messages')
    .select(['id', 'dispatch', 'status'])
    .where((eb) =>
      eb.or([
        eb.and([eb('status', 'in', ['queued', 'retrying']), eb('next_attempt_at', '<=', sql<Date>`now()`)]),
        eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', sql<Date>`now()`)]),
      ]),
    )
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Hands a message a new dispatch (its old job, if any, then claims nothing). */
export async function redispatch(db: Db, id: string, dispatch: number): Promise<number | undefined> {
  const r = await db
    .updateTable('outbox_messages')
    .set({ dispatch: sql<number>`dispatch + 1` })
    .where('id', '=', id)
    .where('dispatch', '=', dispatch)
    .where('status', 'in', ['queued', 'retrying', 'sending'])
    .returning('dispatch')
    .executeTakeFirst();
  return r?.dispatch;
}

/** An admin's retry of a dead or cancelled message: queued again now, a fresh attempt budget, same key. */
export async function requeue(db: Db, workspaceId: string, id: string): Promise<OutboxRow | undefined> {
  return transition(
    db,
    id,
    { workspaceId, from: ['dead', 'cancelled'] },
    { status: 'queued', failures: 0, dispatch: sql<number>`dispatch + 1`, next_attempt_at: sql<Date>`now()` },
    { from: ['failed', 'cancelled'], set: { status: 'queued', detail: null } },
  );
}

/** An admin's cancel of a queued, retrying or dead message (its pending job then claims nothing). */
export async function cancelRow(db: Db, workspaceId: string, id: string): Promise<OutboxRow | undefined> {
  return transition(
    db,
    id,
    { workspaceId, from: ['queued', 'retrying', 'dead'] },
    { status: 'cancelled', dispatch: sql<number>`dispatch + 1` },
    { from: ['queued', 'failed'], set: { status: 'cancelled' } },
  );
}

/**
 * One state change of a message, guarded by its status (and the claim's lease or the caller's workspace), and of
 * its recipients still in `recipients.from`, in one transaction. Returns the changed message, or nothing when the
 * guard did not hold (then nothing was written).
 */
async function transition(
  db: Db,
  id: string,
  guard: { lease?: string; workspaceId?: string; from: OutboxStatusValue[] },
  set: UpdateObject<DB, 'outbox_messages'>,
  recipients: { from: OutboxRecipientStatusValue[]; set: UpdateObject<DB, 'outbox_recipients'> },
): Promise<OutboxRow | undefined> {
  return db.transaction().execute(async (trx) => {
    let q = trx
      .updateTable('outbox_messages')
      .set({ ...set, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('status', 'in', guard.from);
    if (guard.lease !== undefined) q = q.where('lease', '=', guard.lease);
    if (guard.workspaceId !== undefined) q = q.where('workspace_id', '=', guard.workspaceId);
    const row = await q.returningAll().executeTakeFirst();
    if (row)
      await trx
        .updateTable('outbox_recipients')
        .set({ ...recipients.set, updated_at: sql<Date>`now()` })
        .where('message_id', '=', id)
        .where('status', 'in', recipients.from)
        .execute();
    return row;
  });
}

export async function listRows(
  db: Db,
  workspaceId: string,
  opts: { status?: OutboxStatusValue; pluginId?: string; limit: number; before?: { createdAt: string; id: string } },
): Promise<OutboxRow[]> {
  let q = db.selectFrom('outbox_messages').selectAll().where('workspace_id', '=', workspaceId);
  if (opts.status) q = q.where('status', '=', opts.status);
  if (opts.pluginId) q = q.where('plugin_id', '=', opts.pluginId);
  if (opts.before) {
    const b = opts.before;
    q = q.where((eb) =>
      eb.or([eb('created_at', '<', new Date(b.createdAt)), eb.and([eb('created_at', '=', new Date(b.createdAt)), eb('id', '<', b.id)])]),
    );
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
}

export async function countByStatus(db: Db, workspaceId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('outbox_messages')
    .select(['status', sql<string>`count(*)`.as('n')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export async function recipientsOf(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return db.selectFrom('outbox_recipients').selectAll().where('message_id', 'in', ids).orderBy('recipient').execute();
}
