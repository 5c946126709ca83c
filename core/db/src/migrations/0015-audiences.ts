import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Audiences (docs/audiences.md): contacts, lists, rule-based segments and suppressions, per workspace.
 * Host tables rather than plugin records: segments are SQL over attributes and list membership, imports
 * write many rows in one transaction, and results (0016) join contacts by id. Consent is not stored here:
 * the governance plugin keeps it (one source of truth) and checks it per recipient on every send.
 */
export const audiences: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('contacts')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('email', 'text')
      .addColumn('phone', 'text')
      .addColumn('handles', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addColumn('attributes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addUniqueConstraint('contacts_workspace_email_key', ['workspace_id', 'email'])
      .addUniqueConstraint('contacts_workspace_phone_key', ['workspace_id', 'phone'])
      .addCheckConstraint('contacts_reachable', sql`email is not null or phone is not null`)
      .execute();
    await db.schema.createIndex('contacts_workspace_created_idx').on('contacts').columns(['workspace_id', 'created_at']).execute();

    await db.schema
      .createTable('contact_lists')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addUniqueConstraint('contact_lists_workspace_name_key', ['workspace_id', 'name'])
      .execute();

    await db.schema
      .createTable('contact_list_members')
      .addColumn('list_id', 'uuid', (c) => c.notNull().references('contact_lists.id').onDelete('cascade'))
      .addColumn('contact_id', 'uuid', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
      .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('contact_list_members_pkey', ['list_id', 'contact_id'])
      .execute();
    await db.schema.createIndex('contact_list_members_contact_idx').on('contact_list_members').column('contact_id').execute();

    await db.schema
      .createTable('segments')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('rule', 'jsonb', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addUniqueConstraint('segments_workspace_name_key', ['workspace_id', 'name'])
      .execute();

    // A suppressed address is kept as the SHA-256 of its normalized form; `value` is null once the person is erased.
    await db.schema
      .createTable('suppressions')
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('value_hash', 'text', (c) => c.notNull())
      .addColumn('value', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('suppressions_pkey', ['workspace_id', 'channel', 'value_hash'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ['suppressions', 'segments', 'contact_list_members', 'contact_lists', 'contacts'])
      await db.schema.dropTable(t).execute();
  },
};
