import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The notifier reads a run's `approval.requested` events by their time (`at`) with an overlap, not after the last
 * event id it saw (on PostgreSQL an id is taken at insert and seen at commit: an event committed after a later id was
 * read would be passed for good). This partial index keeps that look a probe of the few such events in the window
 * instead of a scan of every run event.
 */
export const approvalRequestedAt: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('run_events_approval_requested_at_idx')
      .on('run_events')
      .column('at')
      .where(sql.ref('type'), '=', 'approval.requested')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('run_events_approval_requested_at_idx').ifExists().execute();
  },
};
