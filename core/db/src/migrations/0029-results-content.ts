import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The learning loop (docs/analytics.md#learning):
 * - `result_events.content_id` / `prompt_variant`: the draft (content) a send carried and the prompt variant that
 *   wrote it, copied from the `sent` row to every provider event, click and conversion attributed to that send, so
 *   the draft's engagement is read per draft, not guessed from the campaign variant. Null for sends without one.
 * - `send_attributions.content_id` / `prompt_variant`: what the caller of a send named before the call (an agent's
 *   `ctx.callTool(..., { attribution })`), read by the outbox's delivery recorder.
 * - `campaign_results_links`: which results campaign names (the `campaign` of result_events) belong to a campaign of
 *   the campaigns contract (agent-campaign's id), stored instead of inferred from names by the console.
 */
export const resultsContent: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('result_events').addColumn('content_id', 'text').addColumn('prompt_variant', 'text').execute();
    await sql`create index result_events_content_idx on result_events (workspace_id, content_id, kind) where content_id is not null`.execute(
      db,
    );
    await db.schema.alterTable('send_attributions').addColumn('content_id', 'text').addColumn('prompt_variant', 'text').execute();
    await db.schema
      .createTable('campaign_results_links')
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('campaign_id', 'text', (c) => c.notNull())
      .addColumn('results_campaign', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('campaign_results_links_pkey', ['workspace_id', 'campaign_id', 'results_campaign'])
      .execute();
    await sql`create index campaign_results_links_results_idx on campaign_results_links (workspace_id, results_campaign)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('campaign_results_links').execute();
    await db.schema.alterTable('send_attributions').dropColumn('content_id').dropColumn('prompt_variant').execute();
    await sql`drop index if exists result_events_content_idx`.execute(db);
    await db.schema.alterTable('result_events').dropColumn('content_id').dropColumn('prompt_variant').execute();
  },
};
