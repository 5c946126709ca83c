import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Calls held for approval outside a run (over MCP, the API, the console's Call tool, a schedule): the host notes
 * each one when the approvals provider holds it, so the notifier can tell the approvers and the console's badge can
 * count it without calling the provider's tools (docs/console.md#notifications). A run's held steps are the
 * orchestrator's (steps.approval_id), not here. `decided_at` is set when the provider's approve or reject answers
 * for it, or when its pending list no longer has it (expired).
 */
export const heldCalls: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('held_calls')
      .addColumn('call_id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('approval_id', 'text')
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('tool', 'text', (c) => c.notNull())
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('decided_at', 'timestamptz')
      .execute();
    await sql`create index held_calls_pending_idx on held_calls (workspace_id, created_at) where decided_at is null`.execute(db);
    await db.schema.createIndex('held_calls_created_idx').on('held_calls').column('created_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('held_calls').execute();
  },
};
