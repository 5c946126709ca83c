import type { DB, Kysely } from '@neonhub/db';
import { APPROVALS_TOOLS, type Contract, type HeldCall } from '@neonhub/schemas';
import type { Logger } from 'pino';
import type { CallTool, CallToolRequest, CallToolResult } from '../pipeline/call-tool.js';

/**
 * Calls held for approval outside a run (held_calls, migration 0024). A run's held steps are the orchestrator's and
 * announced from its events; a call held anywhere else — over MCP, the API, the console's Call tool, a schedule — is
 * noted here when the approvals provider holds it, so that the notifier tells the approvers and the console's badge
 * counts it without calling the provider's tools (an audited call on every page).
 */

/** A run's step calls with the orchestrator's idempotency key, `run:<runId>:step:<stepId>` (core/orchestrator). */
const RUN_STEP_KEY = /^run:[^:]+:step:/;

type Row = {
  call_id: string;
  workspace_id: string;
  approval_id: string | null;
  provider: string;
  tool: string;
  actor_type: string;
  actor_id: string;
  reason: string;
  created_at: Date;
};

export const heldView = (r: Row): HeldCall => ({
  callId: r.call_id,
  approvalId: r.approval_id,
  provider: r.provider,
  tool: r.tool,
  actor: { type: r.actor_type as HeldCall['actor']['type'], id: r.actor_id },
  reason: r.reason,
  createdAt: new Date(r.created_at).toISOString(),
});

const COLUMNS = ['call_id', 'workspace_id', 'approval_id', 'provider', 'tool', 'actor_type', 'actor_id', 'reason', 'created_at'] as const;

/** The calls of a workspace held outside runs that still wait, oldest first. */
export async function pendingHeld(db: Kysely<DB>, workspaceId: string, limit = 200): Promise<HeldCall[]> {
  const rows = await db
    .selectFrom('held_calls')
    .select(COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .where('decided_at', 'is', null)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map(heldView);
}

/** Held calls (any workspace) noted after `since` that still wait, oldest first: the notifier's feed. */
export async function heldSince(db: Kysely<DB>, since: Date, limit = 100): Promise<Row[]> {
  return db
    .selectFrom('held_calls')
    .select(COLUMNS)
    .where('created_at', '>', since)
    .where('decided_at', 'is', null)
    .orderBy('created_at')
    .limit(limit)
    .execute();
}

export interface HeldTrackingDeps {
  db: Kysely<DB>;
  /** Whether a plugin's manifest provides a contract (the approvals provider's approve, reject and list are read). */
  provides(pluginId: string, contract: Contract): boolean;
  resolveWorkspace(slugOrId: string): Promise<{ id: string }>;
  logger: Pick<Logger, 'warn'>;
}

/**
 * The pipeline, noting what the approvals provider holds and decides outside runs: a call answered
 * `pending_approval` (not a run's step) is noted; the provider's `approve` or `reject` answering for an approval
 * marks it decided, and its `list_approvals` of the pending ones (not cut short by its limit) marks decided the notes
 * it no longer lists (expired, or decided another way). A failure to note is logged, never the caller's failure.
 */
export function trackHeldCalls(callTool: CallTool, deps: HeldTrackingDeps): CallTool {
  const { db } = deps;

  async function observe(req: CallToolRequest, result: CallToolResult, startedAt: Date): Promise<void> {
    if (result.status === 'pending_approval') {
      if (req.idempotencyKey && RUN_STEP_KEY.test(req.idempotencyKey)) return;
      const ws = typeof req.workspace === 'string' ? await deps.resolveWorkspace(req.workspace) : req.workspace;
      await db
        .insertInto('held_calls')
        .values({
          call_id: result.callId,
          workspace_id: ws.id,
          approval_id: result.approvalId ?? null,
          provider: result.plugin,
          tool: req.tool,
          actor_type: req.actor.type,
          actor_id: req.actor.id,
          reason: result.reason.slice(0, 2000),
        })
        .onConflict((oc) => oc.column('call_id').doNothing())
        .execute();
      return;
    }
    if (result.status !== 'ok') return;
    const [plugin = '', name] = req.tool.split(':');
    if (name !== APPROVALS_TOOLS.approve && name !== APPROVALS_TOOLS.reject && name !== APPROVALS_TOOLS.list) return;
    if (!deps.provides(plugin, 'approvals')) return;
    const input = (req.input ?? {}) as { approvalId?: unknown; status?: unknown; limit?: unknown };
    const ws = typeof req.workspace === 'string' ? await deps.resolveWorkspace(req.workspace) : req.workspace;
    if (name !== APPROVALS_TOOLS.list) {
      const status = (result.output as { approval?: { status?: unknown } } | null)?.approval?.status;
      if (typeof input.approvalId !== 'string' || status === 'pending') return;
      await db
        .updateTable('held_calls')
        .set({ decided_at: new Date() })
        .where('workspace_id', '=', ws.id)
        .where('approval_id', '=', input.approvalId)
        .where('decided_at', 'is', null)
        .execute();
      return;
    }
    const approvals = (result.output as { approvals?: { id?: unknown }[] } | null)?.approvals;
    if (input.status !== 'pending' || !Array.isArray(approvals)) return;
    if (typeof input.limit === 'number' && approvals.length >= input.limit) return;
    const pending = approvals.map((a) => a.id).filter((id): id is string => typeof id === 'string');
    let q = db
      .updateTable('held_calls')
      .set({ decided_at: new Date() })
      .where('workspace_id', '=', ws.id)
      .where('provider', '=', plugin)
      .where('decided_at', 'is', null)
      .where('approval_id', 'is not', null)
      .where('created_at', '<', startedAt);
    if (pending.length > 0) q = q.where('approval_id', 'not in', pending);
    await q.execute();
  }

  const tracked = async (req: CallToolRequest): Promise<CallToolResult> => {
    const startedAt = new Date();
    const result = await callTool(req);
    await observe(req, result, startedAt).catch((err) =>
      deps.logger.warn({ err, tool: req.tool }, 'could not note a call held for approval outside a run'),
    );
    return result;
  };
  return Object.assign(tracked, {
    hookContext: callTool.hookContext,
    deliver: callTool.deliver,
    settleDelivery: callTool.settleDelivery,
    memory: callTool.memory,
  });
}
