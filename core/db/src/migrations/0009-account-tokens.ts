import { type Kysely, type Migration, sql } from 'kysely';

/**
 * One-time account links (host/src/accounts/account-tokens.ts): password reset and e-mail verification.
 * Only the SHA-256 of a token is stored; a token is spent by one conditional update (used_at), so two
 * concurrent uses cannot both succeed. `users.email_verified_at` records a confirmed address.
 */
export const accountTokens: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('account_tokens')
      .addColumn('token_hash', 'bytea', (c) => c.primaryKey())
      .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('password_reset', 'email_verify')`))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addColumn('used_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('account_tokens_user_idx').on('account_tokens').columns(['user_id', 'purpose']).execute();
    await sql`alter table users add column email_verified_at timestamptz`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`alter table users drop column email_verified_at`.execute(db);
    await db.schema.dropTable('account_tokens').execute();
  },
};
