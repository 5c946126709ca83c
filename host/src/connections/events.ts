import { randomUUID } from 'node:crypto';
import type { ConnectorEventsTable, DB, Kysely, Selectable } from '@neonhub/db';
import type { ConnectorEvent, ConnectorEventType, ConnectorEventView } from '@neonhub/schemas';

export interface ConnectorEventFilter {
  messageId?: string | undefined;
  type?: ConnectorEventType | undefined;
  connection?: string | undefined;
  /** Only events after this position (`seq` of the last one read). */
  after?: number | undefined;
  limit?: number | undefined;
}

/** An event just stored (not a duplicate), with where it came from; what listeners receive. */
export interface StoredConnectorEvent extends ConnectorEventView {
  workspaceId: string;
}

const toView = (r: Selectable<ConnectorEventsTable>): StoredConnectorEvent => ({
  workspaceId: r.workspace_id,
  id: r.id,
  connection: r.connection_id,
  plugin: r.plugin_id,
  eventId: r.event_id,
  type: r.type as ConnectorEventType,
  messageId: r.message_id,
  recipient: r.recipient,
  occurredAt: new Date(r.occurred_at).toISOString(),
  receivedAt: new Date(r.received_at).toISOString(),
  data: r.data ?? {},
  seq: Number(r.seq),
});

/**
 * Delivery and engagement events received by webhooks (migration 0013), stored once per (connection, provider
 * event id), and the internal service other modules read them through (the audiences and results code):
 * `list` (by workspace, message id, type, connection, position) and `onStored` (each new event once, after it
 * is committed; a replayed event is not announced again).
 */
export function createConnectorEventStore(kysely: Kysely<DB>) {
  const db = kysely;
  const listeners = new Set<(event: StoredConnectorEvent) => void | Promise<void>>();

  return {
    /** Stores the events of one verified request; returns those that were new (a replay stores nothing). */
    async record(where: { workspaceId: string; connectionId: string; pluginId: string }, events: ConnectorEvent[]) {
      if (events.length === 0) return [];
      const rows = await db
        .insertInto('connector_events')
        .values(
          events.map((e) => ({
            id: randomUUID(),
            workspace_id: where.workspaceId,
            connection_id: where.connectionId,
            plugin_id: where.pluginId,
            event_id: e.id,
            type: e.type,
            message_id: e.messageId ?? null,
            recipient: e.recipient ?? null,
            occurred_at: e.occurredAt,
            data: JSON.stringify(e.data ?? {}),
          })),
        )
        .onConflict((oc) => oc.columns(['connection_id', 'event_id']).doNothing())
        .returningAll()
        .execute();
      const stored = rows.map(toView);
      for (const event of stored)
        for (const listener of listeners) {
          try {
            await listener(event);
          } catch {
            // a listener's failure must not refuse the provider's delivery; listeners log their own errors
          }
        }
      return stored;
    },

    /** The workspace's events, oldest first (by `seq`), filtered. */
    async list(workspaceId: string, filter: ConnectorEventFilter = {}): Promise<StoredConnectorEvent[]> {
      let q = db.selectFrom('connector_events').selectAll().where('workspace_id', '=', workspaceId);
      if (filter.messageId) q = q.where('message_id', '=', filter.messageId);
      if (filter.type) q = q.where('type', '=', filter.type);
      if (filter.connection) q = q.where('connection_id', '=', filter.connection);
      if (filter.after !== undefined) q = q.where('seq', '>', filter.after as never);
      const rows = await q
        .orderBy('seq')
        .limit(Math.min(filter.limit ?? 100, 1000))
        .execute();
      return rows.map(toView);
    },

    /** Called with each newly stored event (after the insert); returns the unsubscribe. */
    onStored(listener: (event: StoredConnectorEvent) => void | Promise<void>): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type ConnectorEventStore = ReturnType<typeof createConnectorEventStore>;
