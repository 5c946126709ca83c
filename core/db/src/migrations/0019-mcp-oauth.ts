import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Upstream OAuth of outside MCP servers (host/src/mcp-oauth): per workspace and `mcp-http` plugin, one grant: the
 * client registration, the tokens (refresh token rotated in place) and the discovery state, as one AES-256-GCM sealed
 * JSON object bound to the workspace, plugin and server URL. A pending authorization (state hash, PKCE verifier,
 * who started it) lives in `mcp_oauth_flows` until the authorization server redirects back.
 */
export const mcpOAuth: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('mcp_oauth_grants')
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('plugin_id', 'text', (c) => c.notNull())
      /** The server the grant was obtained for (a plugin moved to another URL connects again). */
      .addColumn('server_url', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'connected', 'failing')`))
      .addColumn('ciphertext', 'bytea', (c) => c.notNull())
      .addColumn('iv', 'bytea', (c) => c.notNull())
      .addColumn('tag', 'bytea', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('scope', 'text')
      .addColumn('token_expires_at', 'timestamptz')
      .addColumn('last_error', 'text')
      .addColumn('connected_by', 'text')
      .addColumn('connected_at', 'timestamptz')
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('mcp_oauth_grants_pk', ['workspace_id', 'plugin_id'])
      .execute();

    await db.schema
      .createTable('mcp_oauth_flows')
      .addColumn('state_hash', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('plugin_id', 'text', (c) => c.notNull())
      /** The console user who started it (the callback must come from the same user's session); null: the operator. */
      .addColumn('user_id', 'uuid')
      .addColumn('code_verifier', 'text', (c) => c.notNull())
      .addColumn('redirect_uri', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('mcp_oauth_flows').execute();
    await db.schema.dropTable('mcp_oauth_grants').execute();
  },
};
