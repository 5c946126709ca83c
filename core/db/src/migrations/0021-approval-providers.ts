import { type Kysely, type Migration, sql } from 'kysely';

/**
 * `steps.approval_source` names who holds a step's approval: `orchestrator`, or the id of the plugin providing the
 * approvals contract that held it (docs/plugin-authors.md, "Contracts"). It used to allow only `governance` and
 * `orchestrator`; any plugin may provide approvals now, so the check accepts any plugin id (existing `governance`
 * rows are that plugin's id and stay as they are).
 */
export const approvalProviders: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table steps drop constraint if exists steps_approval_source_check`.execute(db);
    await sql`alter table steps add constraint steps_approval_source_check check (approval_source ~ '^[a-z][a-z0-9-]{0,63}$')`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`alter table steps drop constraint if exists steps_approval_source_check`.execute(db);
    await sql`alter table steps add constraint steps_approval_source_check check (approval_source in ('governance', 'orchestrator'))`.execute(
      db,
    );
  },
};
