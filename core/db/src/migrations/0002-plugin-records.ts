import { type Kysely, type Migration, sql } from 'kysely';

/** Plugin stores: each plugin's private JSON records per workspace (ctx.store in the SDK). */
export const pluginRecords: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('plugin_records')
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('plugin_id', 'text', (c) => c.notNull())
      .addColumn('collection', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'jsonb', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('seq', 'bigserial', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('plugin_records_pkey', ['workspace_id', 'plugin_id', 'collection', 'key'])
      .execute();
    await db.schema
      .createIndex('plugin_records_seq_idx')
      .on('plugin_records')
      .columns(['workspace_id', 'plugin_id', 'collection', 'seq'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('plugin_records').execute();
  },
};
