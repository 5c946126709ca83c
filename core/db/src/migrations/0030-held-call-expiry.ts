import type { Kysely, Migration } from 'kysely';

/**
 * When a call held outside a run stops waiting on its own: `held_calls.expires_at` is the approval's expiry as the
 * approvals provider gave it with its decision (`expiresAt`; governance's ttlHours), null when the provider did not
 * say. A note past it no longer counts as waiting (the badge, the held list, the notifier's feed) without anyone
 * reading the provider's list first.
 */
export const heldCallExpiry: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('held_calls').addColumn('expires_at', 'timestamptz').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('held_calls').dropColumn('expires_at').execute();
  },
};
