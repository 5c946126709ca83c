import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Daily counts of result events per (workspace, campaign, variant, channel, kind, day), kept in step with
 * result_events by the same insert (host/src/results/events.ts). The funnel reads these few rows instead of
 * counting the campaign's events (bench/analytics: the p95 goal at 1M events).
 */
export const resultDaily: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('result_daily')
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('campaign', 'text', (c) => c.notNull())
      .addColumn('variant', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('day', 'date', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('result_daily_pkey', ['workspace_id', 'campaign', 'variant', 'channel', 'kind', 'day'])
      .execute();
    // existing events (none in a fresh install) counted once
    await sql`insert into result_daily (workspace_id, campaign, variant, channel, kind, day, count)
      select workspace_id, campaign, variant, channel, kind, day, count(*) from result_events
      group by workspace_id, campaign, variant, channel, kind, day`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('result_daily').execute();
  },
};
