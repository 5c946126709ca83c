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

/** A call held for approval outside a run, as the host saw it held (migration 0024). */
export interface HeldCallsTable {
  call_id: string;
  workspace_id: string;
  approval_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The plugin providing the approvals contract that held it. */
  provider: string;
  tool: string;
  actor_type: string;
  actor_id: string;
  reason: string;
  /** The held call's input as a JSON string on write (null when too large to keep, or noted before migration 0027). */
  input: ColumnType<unknown | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  /** When the provider answered for it (approved, rejected) or stopped listing it as pending; null while it waits. */
  decided_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** When its approval expires as the provider said (migration 0030); null when it did not say (no expiry known). */
  expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}
