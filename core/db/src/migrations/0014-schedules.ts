import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Schedules (host/src/schedules, docs/schedules.md): a tool call the host makes at `run_at` (UTC), owned by the plugin
 * that registered it under its own `key`. The row is the truth; a BullMQ delayed job (REDIS_URL) or the database-polled
 * timer only wakes the host. `version` bumps on every change, so a job for an older time (moved since) claims nothing.
 * `lease_until`: a host that died mid-call leaves the row `running`; after the lease another host starts it again with
 * the same idempotency key. Also the workspace's IANA time zone, in which local schedule times are read.
 */
export const schedules: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table workspaces add column time_zone text not null default 'UTC'`.execute(db);
    await db.schema
      .createTable('schedules')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('plugin_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('tool', 'text', (c) => c.notNull())
      .addColumn('input', 'jsonb', (c) => c.notNull())
      .addColumn('actor', 'jsonb', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('network', 'text')
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('run_at', 'timestamptz', (c) => c.notNull())
      .addColumn('time_zone', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c
          .notNull()
          .check(
            sql`status in ('scheduled', 'running', 'queued', 'sent', 'published', 'done', 'partial', 'pending_approval', 'failed', 'cancelled')`,
          ),
      )
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('lease_until', 'timestamptz')
      .addColumn('error', 'jsonb')
      .addColumn('result', 'jsonb')
      .addColumn('fired_at', 'timestamptz')
      .addColumn('finished_at', 'timestamptz')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addUniqueConstraint('schedules_owner_key', ['workspace_id', 'plugin_id', 'key'])
      .execute();
    await db.schema.createIndex('schedules_workspace_run_at_idx').on('schedules').columns(['workspace_id', 'run_at']).execute();
    await db.schema
      .createIndex('schedules_due_idx')
      .on('schedules')
      .column('run_at')
      .where(sql.ref('status'), 'in', ['scheduled', 'running'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('schedules').execute();
    await sql`alter table workspaces drop column time_zone`.execute(db);
  },
};
