import type { Kysely, Migration } from 'kysely';

/**
 * Results a marketer can trust (docs/analytics.md):
 * - `tracked_links.content_id` / `prompt_variant`: the draft a tracked link was made for (a segment send of a draft,
 *   an agent's send or post that carried one), so its clicks are that draft's engagement. The link's code is random
 *   and the draft is stored with it: nothing in the URL names the draft, so a forged one cannot be attributed.
 * - `results_settings.learning_*`: whether the learning loop runs for the workspace, every how many minutes, and the
 *   result it learns from (clicked, opened, converted).
 */
export const resultsTrust: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('tracked_links').addColumn('content_id', 'text').addColumn('prompt_variant', 'text').execute();
    await db.schema
      .alterTable('results_settings')
      .addColumn('learning_enabled', 'boolean', (c) => c.notNull().defaultTo(true))
      .addColumn('learning_every_minutes', 'integer', (c) => c.notNull().defaultTo(60))
      .addColumn('learning_metric', 'text', (c) => c.notNull().defaultTo('clicked'))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema
      .alterTable('results_settings')
      .dropColumn('learning_enabled')
      .dropColumn('learning_every_minutes')
      .dropColumn('learning_metric')
      .execute();
    await db.schema.alterTable('tracked_links').dropColumn('content_id').dropColumn('prompt_variant').execute();
  },
};
