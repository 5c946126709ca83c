import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The outbox (host/src/outbox, docs/outbox.md): every external send of a connector is written here before it is
 * delivered, once per (workspace, tool, idempotency key); a dispatcher delivers it, retries it with backoff and
 * leaves it `dead` for an admin when it cannot.
 *
 * - `outbox_messages`: one row per logical send. `status` moves queued -> sending -> delivered, or
 *   sending -> retrying -> sending ..., or -> dead; an admin may cancel a queued, retrying or dead one and retry a
 *   dead or cancelled one. `dispatch` counts the jobs handed out for it: a job claims the row only under its own
 *   dispatch (or a `sending` row whose lease expired), so a stale or duplicated job never sends twice.
 *   `failures` counts failed attempts other than the provider's rate limit (429), which `max_attempts` bounds.
 * - `outbox_recipients`: the delivery status of each recipient of a message (webhooks update it later).
 */
export const outbox: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('outbox_messages')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('plugin_id', 'text', (c) => c.notNull())
      .addColumn('tool', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('input', 'jsonb', (c) => c.notNull())
      .addColumn('input_hash', 'text', (c) => c.notNull())
      .addColumn('actor', 'jsonb', (c) => c.notNull())
      .addColumn('call_id', 'text', (c) => c.notNull())
      .addColumn('approval_id', 'text')
      .addColumn('channel', 'text')
      .addColumn('connection', 'text')
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status in ('queued', 'sending', 'retrying', 'delivered', 'dead', 'cancelled')`),
      )
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('dispatch', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('lease', 'text')
      .addColumn('lease_until', 'timestamptz')
      .addColumn('last_error', 'jsonb')
      .addColumn('result', 'jsonb')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('delivered_at', 'timestamptz')
      .addUniqueConstraint('outbox_messages_key_unique', ['workspace_id', 'tool', 'idempotency_key'])
      .execute();
    await db.schema
      .createIndex('outbox_messages_workspace_idx')
      .on('outbox_messages')
      .columns(['workspace_id', 'created_at desc'])
      .execute();
    await db.schema
      .createIndex('outbox_messages_due_idx')
      .on('outbox_messages')
      .columns(['next_attempt_at'])
      .where(sql.ref('status'), 'in', ['queued', 'retrying', 'sending'])
      .execute();

    await db.schema
      .createTable('outbox_recipients')
      .addColumn('message_id', 'uuid', (c) => c.notNull().references('outbox_messages.id').onDelete('cascade'))
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status in ('queued', 'sent', 'delivered', 'bounced', 'complained', 'failed', 'cancelled')`),
      )
      .addColumn('provider_message_id', 'text')
      .addColumn('detail', 'text')
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('outbox_recipients_pk', ['message_id', 'recipient'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('outbox_recipients').execute();
    await db.schema.dropTable('outbox_messages').execute();
  },
};
