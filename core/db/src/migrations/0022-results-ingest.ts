import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Results ingest (docs/analytics.md):
 * - `send_attributions`: the campaign, variant and contact a caller (a segment send) names for a send's idempotency
 *   key before the call; the outbox's delivery recorder reads it when it writes the send's `sent` result.
 * - `social_metric_snapshots`: the last totals pulled per published post and metric (impressions, clicks, likes,
 *   shares, comments); a pull adds only the difference to the results, so pulling twice counts nothing twice.
 * - `results_settings`: per workspace, how often social metrics are pulled and how far back (posts published in the
 *   last N days), and when they were last pulled.
 */
export const resultsIngest: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('send_attributions')
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('campaign', 'text', (c) => c.notNull())
      .addColumn('variant', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('contact_id', 'uuid', (c) => c.references('contacts.id').onDelete('set null'))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('send_attributions_pkey', ['workspace_id', 'idempotency_key'])
      .execute();
    await db.schema
      .createTable('social_metric_snapshots')
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('plugin_id', 'text', (c) => c.notNull())
      .addColumn('post_id', 'text', (c) => c.notNull())
      .addColumn('metric', 'text', (c) => c.notNull())
      .addColumn('value', 'bigint', (c) => c.notNull())
      .addColumn('pulled_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('social_metric_snapshots_pkey', ['workspace_id', 'plugin_id', 'post_id', 'metric'])
      .execute();
    await db.schema
      .createTable('results_settings')
      .addColumn('workspace_id', 'uuid', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
      .addColumn('metrics_every_minutes', 'integer', (c) => c.notNull().defaultTo(60).check(sql`metrics_every_minutes between 0 and 10080`))
      .addColumn('metrics_days', 'integer', (c) => c.notNull().defaultTo(7).check(sql`metrics_days between 1 and 90`))
      .addColumn('metrics_pulled_at', 'timestamptz')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('results_settings').execute();
    await db.schema.dropTable('social_metric_snapshots').execute();
    await db.schema.dropTable('send_attributions').execute();
  },
};
