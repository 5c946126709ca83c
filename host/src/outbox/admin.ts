import type { DB, Kysely, OutboxStatusValue } from '@neonhub/db';
import type { OutboxMessageDetail, OutboxMessageView } from '@neonhub/schemas';
import { hostErrors } from '../errors.js';
import * as store from './store.js';
import { toDetail, toView } from './views.js';

export interface OutboxAdminDeps {
  db: Kysely<DB>;
  /** A message was queued again (retry): the dispatcher of this process sends it now (without one, a host's sweep does). */
  requeued?(row: store.OutboxRow): Promise<void>;
  /** A message was cancelled here. */
  cancelled?(row: store.OutboxRow): void;
}

/**
 * What an admin does with outbox messages (docs/outbox.md): list, show, retry a dead or cancelled one, cancel one
 * not yet sent. Rows only: the dispatcher that delivers them is service.ts, which passes `requeued` and `cancelled`;
 * a CLI command without a host uses this over the database alone (the running host's sweep sends what it retried).
 */
export function createOutboxAdmin(deps: OutboxAdminDeps) {
  const { db } = deps;
  const notFound = (id: string) =>
    hostErrors.create('NH_OUTBOX_NOT_FOUND', `no outbox message ${id} in this workspace`, { details: { id } });
  const viewOf = async (row: store.OutboxRow, id: string) =>
    toView(
      row,
      (await store.recipientsOf(db, [id])).map((r) => r.recipient),
    );
  return {
    async list(
      workspaceId: string,
      o: { status?: OutboxStatusValue; pluginId?: string; limit?: number; before?: string },
    ): Promise<{ messages: OutboxMessageView[]; counts: Record<string, number>; next: string | null }> {
      const limit = o.limit ?? 50;
      let before: { createdAt: string; id: string } | undefined;
      if (o.before) {
        const [createdAt = '', id = ''] = o.before.split('_');
        if (!Number.isNaN(Date.parse(createdAt)) && /^[0-9a-f-]{36}$/.test(id)) before = { createdAt, id };
      }
      const rows = await store.listRows(db, workspaceId, {
        limit,
        ...(o.status ? { status: o.status } : {}),
        ...(o.pluginId ? { pluginId: o.pluginId } : {}),
        ...(before ? { before } : {}),
      });
      const recips = await store.recipientsOf(
        db,
        rows.map((r) => r.id),
      );
      const by = new Map<string, string[]>();
      for (const r of recips) by.set(r.message_id, [...(by.get(r.message_id) ?? []), r.recipient]);
      const last = rows.at(-1);
      return {
        messages: rows.map((r) => toView(r, by.get(r.id) ?? [])),
        counts: await store.countByStatus(db, workspaceId),
        next: rows.length === limit && last ? `${new Date(last.created_at).toISOString()}_${last.id}` : null,
      };
    },
    async get(workspaceId: string, id: string): Promise<OutboxMessageDetail> {
      const row = await store.getRow(db, id, workspaceId);
      if (!row) throw notFound(id);
      return toDetail(row, await store.recipientsOf(db, [id]));
    },
    async retry(workspaceId: string, id: string): Promise<OutboxMessageView> {
      const row = await store.requeue(db, workspaceId, id);
      if (!row) {
        const current = await store.getRow(db, id, workspaceId);
        if (!current) throw notFound(id);
        throw hostErrors.create(
          'NH_OUTBOX_NOT_RETRYABLE',
          `outbox message ${id} is ${current.status}: only a dead or cancelled one can be retried`,
          {
            details: { id, status: current.status },
          },
        );
      }
      await deps.requeued?.(row);
      return viewOf(row, id);
    },
    async cancel(workspaceId: string, id: string): Promise<OutboxMessageView> {
      const row = await store.cancelRow(db, workspaceId, id);
      if (!row) {
        const current = await store.getRow(db, id, workspaceId);
        if (!current) throw notFound(id);
        throw hostErrors.create(
          'NH_OUTBOX_NOT_CANCELLABLE',
          `outbox message ${id} is ${current.status}: only a queued, retrying or dead one can be cancelled`,
          { details: { id, status: current.status } },
        );
      }
      deps.cancelled?.(row);
      return viewOf(row, id);
    },
  };
}

export type OutboxAdmin = ReturnType<typeof createOutboxAdmin>;
