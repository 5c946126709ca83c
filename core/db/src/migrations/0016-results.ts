import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Results (docs/analytics.md): tracked links and one event table for every touchpoint and outcome (sent,
 * delivered, opened, clicked, converted, bounced, ...), each with its campaign, variant, channel, contact and
 * day. The funnel reads one covering index; attribution reads a contact's touchpoints by time.
 */
export const results: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('tracked_links')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      // The public code in /r/<code>: random, unique across workspaces (the redirect has no workspace in its path).
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('campaign', 'text', (c) => c.notNull())
      .addColumn('variant', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('channel', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('contact_id', 'uuid', (c) => c.references('contacts.id').onDelete('cascade'))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema.createIndex('tracked_links_workspace_idx').on('tracked_links').columns(['workspace_id', 'campaign']).execute();

    await db.schema
      .createTable('result_events')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('campaign', 'text', (c) => c.notNull())
      .addColumn('variant', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('channel', 'text', (c) => c.notNull().defaultTo(''))
      // An erased contact's events stay, anonymous: the counts do not change, nothing points at the person.
      .addColumn('contact_id', 'uuid', (c) => c.references('contacts.id').onDelete('set null'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
      .addColumn('day', 'date', (c) => c.notNull())
      .addColumn('value', 'double precision')
      .addColumn('message_id', 'text')
      .addColumn('link_id', 'uuid', (c) => c.references('tracked_links.id').onDelete('set null'))
      .addColumn('source', 'text', (c) => c.notNull())
      // Deduplication: a provider event id, `click:<token>`, a conversion's order id; random when none.
      .addColumn('dedupe_key', 'text', (c) => c.notNull())
      .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addUniqueConstraint('result_events_dedupe_key', ['workspace_id', 'dedupe_key'])
      .execute();
    await db.schema
      .createIndex('result_events_funnel_idx')
      .on('result_events')
      .columns(['workspace_id', 'campaign', 'kind', 'variant', 'channel'])
      .execute();
    await db.schema
      .createIndex('result_events_contact_idx')
      .on('result_events')
      .columns(['workspace_id', 'contact_id', 'occurred_at'])
      .execute();
    await sql`create index result_events_message_idx on result_events (workspace_id, message_id) where message_id is not null`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('result_events').execute();
    await db.schema.dropTable('tracked_links').execute();
  },
};
