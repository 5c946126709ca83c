import { type Kysely, type Migration, sql } from 'kysely';

/** Workspaces, users, members, per-workspace plugin state, encrypted secrets and the tool call record. */
export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('workspaces')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('password_hash', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();

    await db.schema
      .createTable('members')
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('owner', 'admin', 'member', 'viewer')`))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('members_pkey', ['workspace_id', 'user_id'])
      .execute();
    await db.schema.createIndex('members_user_id_idx').on('members').column('user_id').execute();

    await db.schema
      .createTable('workspace_plugins')
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('plugin_id', 'text', (c) => c.notNull())
      .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('config', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('workspace_plugins_pkey', ['workspace_id', 'plugin_id'])
      .execute();

    await db.schema
      .createTable('secrets')
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('plugin_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('ciphertext', 'bytea', (c) => c.notNull())
      .addColumn('iv', 'bytea', (c) => c.notNull())
      .addColumn('tag', 'bytea', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('secrets_pkey', ['workspace_id', 'plugin_id', 'name'])
      .execute();

    await db.schema
      .createTable('tool_calls')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('call_id', 'text', (c) => c.notNull().unique())
      .addColumn('plugin_id', 'text', (c) => c.notNull())
      .addColumn('tool', 'text', (c) => c.notNull())
      .addColumn('actor_type', 'text', (c) => c.notNull().check(sql`actor_type in ('user', 'token', 'agent', 'system')`))
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('ok', 'error', 'denied', 'pending_approval')`))
      .addColumn('error_code', 'text')
      .addColumn('duration_ms', 'integer')
      .addColumn('idempotency_key', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema.createIndex('tool_calls_workspace_created_idx').on('tool_calls').columns(['workspace_id', 'created_at desc']).execute();
  },

  async down(db: Kysely<unknown>) {
    for (const table of ['tool_calls', 'secrets', 'workspace_plugins', 'members', 'users', 'workspaces']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
