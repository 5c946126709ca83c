import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Notifications (host/src/notifications, docs/console.md#notifications): how each member of a workspace wants to
 * hear that something waits for them (in the console only, by e-mail, or on Slack), and the notifications sent,
 * one row per (thing, person): the primary key makes a notification go out once however many hosts see the event.
 */
export const notifications: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('notification_prefs')
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('via', 'text', (c) => c.notNull().check(sql`via in ('in_app', 'email', 'slack')`))
      .addColumn('slack_channel', 'text')
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('notification_prefs_pkey', ['workspace_id', 'user_id'])
      .execute();
    await db.schema
      .createTable('notifications_sent')
      .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('via', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('notifications_sent_pkey', ['workspace_id', 'key', 'user_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('notifications_sent').execute();
    await db.schema.dropTable('notification_prefs').execute();
  },
};
