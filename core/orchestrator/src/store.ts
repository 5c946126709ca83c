import type { DB, Kysely, RunEventsTable, RunsTable, StepsTable } from '@neonhub/db';
import { type Actor, ActorSchema, type Run, type RunEvent, type Step } from '@neonhub/schemas';
import type { Selectable, Transaction } from 'kysely';

export type Trx = Transaction<DB>;
export type Db = Kysely<DB> | Trx;

/** A stored actor (jsonb), when it is one. */
const actorOf = (v: unknown): Actor | undefined => ActorSchema.safeParse(v).data;

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : undefined);

export const toRun = (r: Selectable<RunsTable>): Run => ({
  id: r.id,
  workspaceId: r.workspace_id,
  goal: r.goal,
  status: r.status,
  planner: r.planner,
  notes: r.notes,
  ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {}),
  ...(actorOf(r.actor) ? { createdBy: actorOf(r.actor) } : {}),
  ...(r.finished_at ? { finishedAt: iso(r.finished_at)! } : {}),
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

export const toStep = (s: Selectable<StepsTable>): Step => ({
  id: s.id,
  runId: s.run_id,
  tool: s.tool,
  input: s.input,
  dependsOn: s.depends_on,
  status: s.status,
  attempts: s.attempts,
  needsApproval: s.needs_approval,
  maxAttempts: s.max_attempts,
  ...(s.title ? { title: s.title } : {}),
  ...(s.output !== null && s.output !== undefined ? { output: s.output } : {}),
  ...(s.error ? { error: { code: s.error.code, message: s.error.message } } : {}),
  ...(s.approval_id ? { approvalId: s.approval_id } : {}),
  ...(s.approval_expires_at ? { approvalExpiresAt: iso(s.approval_expires_at)! } : {}),
  ...(actorOf(s.approved_by) ? { decidedBy: actorOf(s.approved_by) } : {}),
  ...(s.started_at ? { startedAt: iso(s.started_at)! } : {}),
  ...(s.finished_at ? { finishedAt: iso(s.finished_at)! } : {}),
});

export const toEvent = (e: Selectable<RunEventsTable>): RunEvent => ({
  id: Number(e.id),
  runId: e.run_id,
  ...(e.step_id ? { stepId: e.step_id } : {}),
  type: e.type as RunEvent['type'],
  data: e.data,
  at: iso(e.at)!,
});

export async function appendEvent(
  db: Db,
  runId: string,
  stepId: string | null,
  type: RunEvent['type'],
  data: Record<string, unknown>,
): Promise<void> {
  await db
    .insertInto('run_events')
    .values({ run_id: runId, step_id: stepId, type, data: JSON.stringify(data) })
    .execute();
}

export async function readEvents(db: Db, runId: string, after: number, limit = 1000): Promise<RunEvent[]> {
  const rows = await db
    .selectFrom('run_events')
    .selectAll()
    .where('run_id', '=', runId)
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toEvent);
}

export const TERMINAL_RUN = ['succeeded', 'failed', 'cancelled'] as const;
