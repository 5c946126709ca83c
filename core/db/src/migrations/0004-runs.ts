import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Runs of the orchestrator (core/orchestrator): a run, its steps (the DAG, with status, attempts, lease,
 * output and approval), and an append-only event log streamed to clients from a cursor (run_events.id).
 */
export const runs: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('runs')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('goal', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status in ('planning', 'queued', 'running', 'waiting_approval', 'succeeded', 'failed', 'cancelled')`),
      )
      .addColumn('planner', 'text', (c) => c.notNull())
      .addColumn('notes', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
      .addColumn('actor', 'jsonb', (c) => c.notNull())
      .addColumn('error', 'jsonb')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('finished_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('runs_workspace_created_idx').on('runs').columns(['workspace_id', 'created_at desc']).execute();
    await db.schema
      .createIndex('runs_active_idx')
      .on('runs')
      .column('status')
      .where(sql.ref('status'), 'in', ['queued', 'running', 'waiting_approval'])
      .execute();

    await db.schema
      .createTable('steps')
      .addColumn('run_id', 'uuid', (c) => c.notNull().references('runs.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('tool', 'text', (c) => c.notNull())
      .addColumn('title', 'text')
      .addColumn('input', 'jsonb', (c) => c.notNull())
      .addColumn('depends_on', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
      .addColumn('needs_approval', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('status', 'text', (c) =>
        c
          .notNull()
          .check(sql`status in ('pending', 'queued', 'running', 'waiting_approval', 'succeeded', 'failed', 'cancelled', 'skipped')`),
      )
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('dispatch', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('lease', 'text')
      .addColumn('lease_until', 'timestamptz')
      .addColumn('output', 'jsonb')
      .addColumn('error', 'jsonb')
      .addColumn('approval_id', 'text')
      .addColumn('approval_source', 'text', (c) => c.check(sql`approval_source in ('governance', 'orchestrator')`))
      .addColumn('approved_by', 'jsonb')
      .addColumn('started_at', 'timestamptz')
      .addColumn('finished_at', 'timestamptz')
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('steps_pkey', ['run_id', 'id'])
      .execute();
    await db.schema
      .createIndex('steps_open_idx')
      .on('steps')
      .column('status')
      .where(sql.ref('status'), 'in', ['queued', 'running'])
      .execute();

    await db.schema
      .createTable('run_events')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('run_id', 'uuid', (c) => c.notNull().references('runs.id').onDelete('cascade'))
      .addColumn('step_id', 'text')
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('data', 'jsonb', (c) => c.notNull())
      .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema.createIndex('run_events_run_id_idx').on('run_events').columns(['run_id', 'id']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['run_events', 'steps', 'runs']) await db.schema.dropTable(table).ifExists().execute();
  },
};
