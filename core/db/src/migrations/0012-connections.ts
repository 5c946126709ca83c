import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Connected accounts (host/src/connections): per workspace, one connector plugin can have several connections
 * (two X accounts), each with its own encrypted credentials (API key fields or OAuth tokens, one AES-256-GCM
 * sealed JSON object bound to the workspace, plugin and connection id), a status and the last error. Pending
 * OAuth authorizations (state, PKCE verifier) live in `connection_oauth_flows` until the provider calls back.
 */
export const connections: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('connections')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('plugin_id', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('auth_type', 'text', (c) => c.notNull().check(sql`auth_type in ('none', 'apiKey', 'oauth2')`))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'failing', 'revoked')`))
      .addColumn('is_default', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('account_id', 'text')
      .addColumn('account_name', 'text')
      .addColumn('fields', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addColumn('ciphertext', 'bytea')
      .addColumn('iv', 'bytea')
      .addColumn('tag', 'bytea')
      .addColumn('key_id', 'text')
      .addColumn('token_expires_at', 'timestamptz')
      .addColumn('last_error', 'text')
      .addColumn('last_error_at', 'timestamptz')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addUniqueConstraint('connections_label_unique', ['workspace_id', 'plugin_id', 'label'])
      .execute();
    await db.schema.createIndex('connections_workspace_idx').on('connections').columns(['workspace_id', 'plugin_id']).execute();
    await sql`create unique index connections_one_default on connections (workspace_id, plugin_id) where is_default`.execute(db);

    await db.schema
      .createTable('connection_oauth_flows')
      .addColumn('state_hash', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('plugin_id', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      /** Reconnecting an existing connection (else a new one is created at the callback). */
      .addColumn('connection_id', 'uuid')
      /** The console user who started it (the callback must come from the same user's session); null: the operator. */
      .addColumn('user_id', 'uuid')
      .addColumn('code_verifier', 'text', (c) => c.notNull())
      .addColumn('redirect_uri', 'text', (c) => c.notNull())
      .addColumn('fields', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addColumn('make_default', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('connection_oauth_flows').execute();
    await db.schema.dropTable('connections').execute();
  },
};
