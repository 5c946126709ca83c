import type { ColumnType } from 'kysely';

/** A timestamptz column: read as a Date, written as a Date or ISO string, defaulted by the database. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type NotifyViaValue = 'in_app' | 'email' | 'slack';

/** How a member hears that something waits for them in a workspace (migration 0020); no row = in the console only. */
export interface NotificationPrefsTable {
  workspace_id: string;
  user_id: string;
  via: NotifyViaValue;
  /** Where Slack messages go (a channel or member id); null = the connection's default channel. */
  slack_channel: string | null;
  updated_at: Timestamp;
}

/** One notification sent: the key names the thing (`approval:<run>/<step>`, `outbox:<message>`). Migration 0020. */
export interface NotificationsSentTable {
  workspace_id: string;
  key: string;
  user_id: string;
  via: NotifyViaValue;
  sent_at: Timestamp;
}
