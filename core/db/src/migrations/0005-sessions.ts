import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Console sign-in (host/src/accounts): sessions keep only the SHA-256 of their secret, with a
 * sliding expiry; invites are pending memberships for e-mails that have no account yet.
 */
export const sessions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('secret_hash', 'bytea', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_user_id_idx').on('sessions').column('user_id').execute();

    await db.schema
      .createTable('invites')
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('owner', 'admin', 'member', 'viewer')`))
      .addColumn('invited_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('invites_pkey', ['workspace_id', 'email'])
      .execute();
    await db.schema.createIndex('invites_email_idx').on('invites').column('email').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('invites').execute();
    await db.schema.dropTable('sessions').execute();
  },
};
