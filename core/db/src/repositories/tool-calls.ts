import type { Actor } from '@neonhub/schemas';
import type { Kysely, Selectable } from 'kysely';
import { dbErrors } from '../errors.js';
import { mapped } from '../pg-errors.js';
import type { DB, ToolCallStatusValue, ToolCallsTable } from '../types.js';
import { iso, isUuid } from './util.js';

export type ToolCallStatus = ToolCallStatusValue;

export interface NewToolCall {
  /** The host's id for the call (unique); recording the same callId twice keeps the first. */
  callId: string;
  pluginId: string;
  tool: string;
  actor: Pick<Actor, 'type' | 'id'>;
  status: ToolCallStatus;
  errorCode?: string | null;
  durationMs?: number | null;
  idempotencyKey?: string | null;
  /** Defaults to now. */
  createdAt?: Date | string;
}

export interface ToolCallRecord {
  id: string;
  workspaceId: string;
  callId: string;
  pluginId: string;
  tool: string;
  actor: { type: Actor['type']; id: string };
  status: ToolCallStatus;
  errorCode: string | null;
  durationMs: number | null;
  idempotencyKey: string | null;
  createdAt: string;
}

const constraints = { tool_calls_workspace_id_fkey: { table: 'tool_calls', field: 'workspace_id' } };

function toRecord(row: Selectable<ToolCallsTable>): ToolCallRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    callId: row.call_id,
    pluginId: row.plugin_id,
    tool: row.tool,
    actor: { type: row.actor_type, id: row.actor_id },
    status: row.status,
    errorCode: row.error_code,
    durationMs: row.duration_ms,
    idempotencyKey: row.idempotency_key,
    createdAt: iso(row.created_at),
  };
}

function toRow(workspaceId: string, call: NewToolCall) {
  if (!isUuid(workspaceId)) {
    throw dbErrors.create(
      'NH_DB_REFERENCE_MISSING',
      `tool_calls.workspace_id refers to a row that does not exist (${JSON.stringify(workspaceId)} is not an id)`,
      {
        details: { table: 'tool_calls', field: 'workspace_id' },
      },
    );
  }
  return {
    workspace_id: workspaceId,
    call_id: call.callId,
    plugin_id: call.pluginId,
    tool: call.tool,
    actor_type: call.actor.type,
    actor_id: call.actor.id,
    status: call.status,
    error_code: call.errorCode ?? null,
    duration_ms: call.durationMs == null ? null : Math.round(call.durationMs),
    idempotency_key: call.idempotencyKey ?? null,
    ...(call.createdAt === undefined ? {} : { created_at: call.createdAt }),
  };
}

export interface ListToolCallsOptions {
  /** Default 50, at most 500. */
  limit?: number;
  pluginId?: string;
}

/** The record of every tool call. Every function takes the workspace id first. */
export function toolCallsRepository(db: Kysely<DB>) {
  return {
    /** Records one call; false when its callId was already recorded. */
    async record(workspaceId: string, call: NewToolCall): Promise<boolean> {
      const row = toRow(workspaceId, call);
      const r = await mapped(
        () =>
          db
            .insertInto('tool_calls')
            .values(row)
            .onConflict((oc) => oc.column('call_id').doNothing())
            .executeTakeFirst(),
        constraints,
      );
      return (r.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },

    /**
     * Records many calls (of any workspaces, each named) in one statement: all or none, and
     * idempotent on callId, so a retried flush never duplicates. Returns how many were new.
     */
    async recordBatch(batch: ReadonlyArray<{ workspaceId: string; call: NewToolCall }>): Promise<number> {
      if (batch.length === 0) return 0;
      const rows = batch.map((b) => toRow(b.workspaceId, b.call));
      const r = await mapped(
        () =>
          db
            .insertInto('tool_calls')
            .values(rows)
            .onConflict((oc) => oc.column('call_id').doNothing())
            .executeTakeFirst(),
        constraints,
      );
      return Number(r.numInsertedOrUpdatedRows ?? 0n);
    },

    /** Newest first. */
    async listRecent(workspaceId: string, opts: ListToolCallsOptions = {}): Promise<ToolCallRecord[]> {
      if (!isUuid(workspaceId)) return [];
      const limit = Math.min(Math.max(1, opts.limit ?? 50), 500);
      let q = db.selectFrom('tool_calls').selectAll().where('workspace_id', '=', workspaceId);
      if (opts.pluginId !== undefined) q = q.where('plugin_id', '=', opts.pluginId);
      const rows = await mapped(() => q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute());
      return rows.map(toRecord);
    },

    async getByCallId(workspaceId: string, callId: string): Promise<ToolCallRecord | undefined> {
      if (!isUuid(workspaceId)) return undefined;
      const row = await mapped(() =>
        db.selectFrom('tool_calls').selectAll().where('workspace_id', '=', workspaceId).where('call_id', '=', callId).executeTakeFirst(),
      );
      return row && toRecord(row);
    },
  };
}

export type ToolCallsRepository = ReturnType<typeof toolCallsRepository>;
