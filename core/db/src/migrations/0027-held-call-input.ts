import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The console's approvals inbox previews a call held outside a run from what the host noted when it was held, with
 * no tool call to the approvals provider on the way to the page: `held_calls.input` keeps the held call's input
 * (null when it was too large to keep, or noted before this migration). Calls held before migration 0024 are noted
 * when the provider lists them as pending; `steps_approval_idx` tells those apart from a run's held steps in one
 * indexed read (a run's steps are the orchestrator's, never noted here).
 */
export const heldCallInput: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('held_calls').addColumn('input', 'jsonb').execute();
    await sql`create index steps_approval_idx on steps (approval_id) where approval_id is not null`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop index if exists steps_approval_idx`.execute(db);
    await db.schema.alterTable('held_calls').dropColumn('input').execute();
  },
};
