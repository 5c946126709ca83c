import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Social metrics on/off apart from their interval (GET/PUT /api/workspaces/:ws/results/settings): turning the pull
 * off keeps the interval the admin chose. The pull itself runs as a system schedule (host/src/results/social-metrics.ts).
 * An interval of 0 from 0022 is read as off and becomes enabled = false with the default interval.
 */
export const resultsSettingsEnabled: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('results_settings')
      .addColumn('metrics_enabled', 'boolean', (c) => c.notNull().defaultTo(true))
      .execute();
    await sql`update results_settings set metrics_enabled = false, metrics_every_minutes = 60 where metrics_every_minutes = 0`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`update results_settings set metrics_every_minutes = 0 where not metrics_enabled`.execute(db);
    await db.schema.alterTable('results_settings').dropColumn('metrics_enabled').execute();
  },
};
