import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Normalized delivery and engagement events received on /hooks/<connector>/<connection> (host/src/connections/
 * webhooks): stored once per (connection, provider event id). `connection_id` has no foreign key: removing a
 * connection keeps the history of what it delivered.
 */
export const connectorEvents: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('connector_events')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('connection_id', 'uuid', (c) => c.notNull())
      .addColumn('plugin_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text')
      .addColumn('recipient', 'text')
      .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
      .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addColumn('seq', 'bigserial', (c) => c.notNull())
      .addUniqueConstraint('connector_events_dedup', ['connection_id', 'event_id'])
      .execute();
    await db.schema.createIndex('connector_events_ws_seq_idx').on('connector_events').columns(['workspace_id', 'seq']).execute();
    await db.schema.createIndex('connector_events_ws_message_idx').on('connector_events').columns(['workspace_id', 'message_id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('connector_events').execute();
  },
};
