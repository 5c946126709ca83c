import { type DB, type ExpressionBuilder, type Kysely, sql } from '@neonhub/db';
import { APPROVALS_TOOLS, type Contract, HeldApprovalSchema, type HeldCall } from '@neonhub/schemas';
import type { Logger } from 'pino';
import type { CallToolRequest, CallToolResult } from '../pipeline/call-tool.js';

/**
 * Calls held for approval outside a run (held_calls, migration 0024). A run's held steps are the orchestrator's and
 * announced from its events; a call held anywhere else — over MCP, the API, the console's Call tool, a schedule — is
 * noted here when the approvals provider holds it, so that the notifier tells the approvers and the console's badge
 * counts it without calling the provider's tools (an audited call on every page).
 */

/**
 * A run's step call, with the orchestrator's idempotency key `run:<runId>:step:<stepId>` (core/orchestrator): the
 * run holds it. A call a step's tool makes (`run:…:step:<stepId>/<tool>`, a nested call) is held outside the run's
 * view (the step only sees `pendingApproval` in its output), so it is noted like any other.
 */
const RUN_STEP_KEY = /^run:[^:]+:step:[^/]+$/;

/** A held call's input larger than this (as JSON) is not kept: its preview says so instead. */
const MAX_INPUT_CHARS = 32_000;

const keptInput = (input: unknown): string | null => {
  if (input === undefined) return null;
  const json = JSON.stringify(input);
  return json.length <= MAX_INPUT_CHARS ? json : null;
};

type Row = {
  call_id: string;
  workspace_id: string;
  approval_id: string | null;
  provider: string;
  tool: string;
  actor_type: string;
  actor_id: string;
  reason: string;
  input?: unknown;
  created_at: Date;
  expires_at: Date | null;
};

export const heldView = (r: Row): HeldCall => ({
  callId: r.call_id,
  approvalId: r.approval_id,
  provider: r.provider,
  tool: r.tool,
  actor: { type: r.actor_type as HeldCall['actor']['type'], id: r.actor_id },
  reason: r.reason,
  input: r.input ?? null,
  createdAt: new Date(r.created_at).toISOString(),
  expiresAt: r.expires_at ? new Date(r.expires_at).toISOString() : null,
  links: {},
});

/** A tracked link in a held call's input as JSON: `<base>/r/<code>` (codes: 12 base64url characters, results/links.ts). */
const TRACKED = /https?:\/\/[^\s"'<>\\]+?\/r\/([A-Za-z0-9_-]{12})(?![A-Za-z0-9_-])/g;

/**
 * The held calls with the tracked links of their inputs resolved (`links`: each tracked link's address -> the URL it
 * redirects to), read from the workspace's own links in one query without following any (a click is recorded only
 * by the redirect). A send of a draft has its links tracked before the policy holds it, so without this the approver
 * would read `/r/<code>` where the marketer wrote the destination. A code of another workspace is not resolved.
 */
export async function withTrackedLinks(db: Kysely<DB>, workspaceId: string, held: HeldCall[]): Promise<HeldCall[]> {
  const found = held.map((h) => (h.input === null ? [] : [...JSON.stringify(h.input).matchAll(TRACKED)]));
  const codes = [...new Set(found.flat().map((m) => m[1]!))];
  if (codes.length === 0) return held;
  const rows = await db
    .selectFrom('tracked_links')
    .select(['code', 'url'])
    .where('workspace_id', '=', workspaceId)
    .where('code', 'in', codes)
    .execute();
  const urlOf = new Map(rows.map((r) => [r.code, r.url]));
  return held.map((h, i) => {
    const links: Record<string, string> = {};
    for (const m of found[i]!) {
      const url = urlOf.get(m[1]!);
      if (url) links[m[0]] = url;
    }
    return { ...h, links };
  });
}

const COLUMNS = [
  'call_id',
  'workspace_id',
  'approval_id',
  'provider',
  'tool',
  'actor_type',
  'actor_id',
  'reason',
  'created_at',
  'expires_at',
] as const;

/**
 * Still waiting at `now`: a note whose approval has expired (`expires_at`, as the provider said when it held the call)
 * is left out without a call to the provider's list; one with no expiry known waits until it is decided.
 */
const notExpired = (now: Date) => (eb: ExpressionBuilder<DB, 'held_calls'>) =>
  eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]);

/** The calls of a workspace held outside runs that still wait, oldest first, each with its input (for its preview). */
export async function pendingHeld(db: Kysely<DB>, workspaceId: string, limit = 200, now = new Date()): Promise<HeldCall[]> {
  const rows = await db
    .selectFrom('held_calls')
    .select([...COLUMNS, 'input'])
    .where('workspace_id', '=', workspaceId)
    .where('decided_at', 'is', null)
    .where(notExpired(now))
    .orderBy('created_at')
    .orderBy('call_id') // notes of one millisecond in one order on every read
    .limit(limit)
    .execute();
  return withTrackedLinks(db, workspaceId, rows.map(heldView));
}

/**
 * Marks decided, at their expiry, the notes whose approval expired undecided (any workspace): the reads above already
 * leave them out; this settles them, so a note is never left open forever. The notifier does it on each look (one
 * statement on the index of undecided notes). Returns how many it marked.
 */
export async function markExpiredHeld(db: Kysely<DB>, now = new Date()): Promise<number> {
  const r = await db
    .updateTable('held_calls')
    .set((eb) => ({ decided_at: eb.ref('expires_at') }))
    .where('decided_at', 'is', null)
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Where a page of a feed ended: the last row's time exactly as stored (microseconds: a JS Date keeps milliseconds) and its key. */
export interface FeedPosition {
  at: string;
  id: string;
}

/**
 * Held calls (any workspace) noted after `since` that still wait, oldest first (ties by call id): the notifier's feed.
 * `after` continues from the last row of a page (keyset on (created_at, call_id)), so a look reads past any number of
 * rows in one instant.
 */
export async function heldSince(
  db: Kysely<DB>,
  since: Date,
  limit = 100,
  now = new Date(),
  after?: FeedPosition,
): Promise<(Row & { position: FeedPosition })[]> {
  let q = db
    .selectFrom('held_calls')
    .select(COLUMNS)
    .select(sql<string>`created_at::text`.as('at_text'))
    .where('created_at', '>', since)
    .where('decided_at', 'is', null)
    .where(notExpired(now));
  if (after) q = q.where(sql<boolean>`(created_at, call_id) > (${after.at}::timestamptz, ${after.id})`);
  const rows = await q
    .orderBy('created_at')
    .orderBy('call_id') // notes of one millisecond in one order on every read
    .limit(limit)
    .execute();
  return rows.map(({ at_text, ...r }) => ({ ...r, position: { at: at_text, id: r.call_id } }));
}

export interface HeldTrackingDeps {
  db: Kysely<DB>;
  /** Whether a plugin's manifest provides a contract (the approvals provider's approve, reject and list are read). */
  provides(pluginId: string, contract: Contract): boolean;
  resolveWorkspace(slugOrId: string): Promise<{ id: string }>;
  logger: Pick<Logger, 'warn'>;
}

/**
 * The pipeline's observer (PipelineDeps.observe: every call, a nested call's too) noting what the approvals provider
 * holds and decides outside runs: a call answered `pending_approval` (not a run's step) is noted with its input and
 * its approval's `expiresAt` when the provider gave one (past it, the note no longer counts as waiting); the
 * provider's `approve` or `reject` answering for an approval marks it decided; its `list_approvals` of the pending
 * ones (not cut short by its limit) marks decided the notes it no longer lists (expired, or decided another way) and
 * notes the pending ones it has no note of (held before migration 0024, or while noting failed) unless a run's step
 * holds them. A failure to note is logged, never the caller's failure.
 */
export function heldCallObserver(deps: HeldTrackingDeps): (req: CallToolRequest, result: CallToolResult, startedAt: Date) => Promise<void> {
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
          input: keptInput(req.input),
          expires_at: result.expiresAt ?? null,
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
    if (!Array.isArray(approvals)) return;
    await noteUnknown(ws.id, plugin, approvals);
    if (input.status !== 'pending') return;
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

  /** The pending approvals of a list that have no note and are no run's step (held before notes were kept). */
  async function noteUnknown(workspaceId: string, provider: string, listed: unknown[]): Promise<void> {
    const approvals = listed.flatMap((a) => {
      const parsed = HeldApprovalSchema.safeParse(a);
      return parsed.success && parsed.data.status === 'pending' ? [parsed.data] : [];
    });
    if (approvals.length === 0) return;
    const ids = approvals.map((a) => a.id);
    const [noted, steps] = await Promise.all([
      db.selectFrom('held_calls').select('approval_id').where('workspace_id', '=', workspaceId).where('approval_id', 'in', ids).execute(),
      db.selectFrom('steps').select('approval_id').where('approval_id', 'in', ids).execute(),
    ]);
    const known = new Set([...noted, ...steps].map((r) => r.approval_id));
    const rows = approvals
      .filter((a) => !known.has(a.id))
      .map((a) => ({
        call_id: `approval:${provider}:${a.id}`,
        workspace_id: workspaceId,
        approval_id: a.id,
        provider,
        tool: a.tool,
        actor_type: a.actor.type,
        actor_id: a.actor.id,
        reason: a.reason.slice(0, 2000),
        input: keptInput(a.input),
        created_at: Number.isNaN(Date.parse(a.createdAt)) ? new Date() : new Date(a.createdAt),
        expires_at: a.expiresAt && !Number.isNaN(Date.parse(a.expiresAt)) ? new Date(a.expiresAt) : null,
      }));
    if (rows.length > 0)
      await db
        .insertInto('held_calls')
        .values(rows)
        .onConflict((oc) => oc.column('call_id').doNothing())
        .execute();
  }

  return (req, result, startedAt) =>
    observe(req, result, startedAt).catch((err) =>
      deps.logger.warn({ err, tool: req.tool }, 'could not note a call held for approval outside a run'),
    );
}
