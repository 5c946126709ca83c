import { type Kysely, type Migration, sql } from 'kysely';

/**
 * When a run's step stops waiting for approval on its own: `steps.approval_expires_at` is the approval's expiry as the
 * approvals provider gave it with its decision (`expiresAt`, as for held calls in migration 0030), null when it did not
 * say (the orchestrator's own approvals have none). Past it the step no longer counts as waiting (the waiting runs,
 * the notifier's feed), and the orchestrator's recovery sweep fails it (`NH_RUN_APPROVAL_EXPIRED`), which ends its run.
 * The partial index keeps that sweep a probe of the waiting steps that have an expiry.
 */
export const stepApprovalExpiry: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('steps').addColumn('approval_expires_at', 'timestamptz').execute();
    await sql`create index steps_approval_expiry_idx on steps (approval_expires_at)
      where status = 'waiting_approval' and approval_expires_at is not null`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('steps_approval_expiry_idx').execute();
    await db.schema.alterTable('steps').dropColumn('approval_expires_at').execute();
  },
};
