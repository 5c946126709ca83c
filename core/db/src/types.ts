import type { ColumnType, Generated } from 'kysely';
import type { ConnectionOAuthFlowsTable, ConnectionsTable, ConnectorEventsTable } from './connection-tables.js';
import type { McpOAuthFlowsTable, McpOAuthGrantsTable } from './mcp-oauth-tables.js';
import type { AccountTokensTable, ApiTokensTable, InvitesTable, SessionsTable } from './types-accounts.js';
import type {
  CampaignResultsLinksTable,
  ContactListMembersTable,
  ContactListsTable,
  ContactsTable,
  ResultDailyTable,
  ResultEventsTable,
  ResultsSettingsTable,
  SegmentsTable,
  SendAttributionsTable,
  SocialMetricSnapshotsTable,
  SuppressionsTable,
  TrackedLinksTable,
} from './types-audiences.js';
import type { HeldCallsTable, NotificationPrefsTable, NotificationsSentTable } from './types-notifications.js';
import type { RunEventsTable, RunsTable, StepsTable } from './types-runs.js';

export type * from './types-accounts.js';
export type * from './types-audiences.js';
export type * from './types-notifications.js';
export type * from './types-runs.js';

/** A timestamptz column: read as a Date, written as a Date or ISO string, defaulted by the database. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A jsonb column: read as parsed JSON, written as a JSON string (both drivers pass a string through untouched). */
type Json<T> = ColumnType<T, string, string>;
/** A bytea column: read as bytes (Buffer on pg, Uint8Array on PGlite), written as a Uint8Array. */
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

export interface WorkspacesTable {
  id: Generated<string>;
  slug: string;
  name: string;
  /** The workspace's language model settings (no key); null = the host's default. Migration 0007. */
  llm: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  /** Addresses and names its outbound requests may reach although not public (JSON string array); null = none. Migration 0010. */
  outbound_allow: ColumnType<string[] | null, string | null | undefined, string | null>;
  /** IANA time zone local schedule times are read in (default UTC). Migration 0014. */
  time_zone: ColumnType<string, string | undefined, string>;
  created_at: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: Generated<string>;
  password_hash: string | null;
  created_at: Timestamp;
  /** When the user proved the address (migration 0009); null = not yet. */
  email_verified_at?: Date | null;
}

export type RoleValue = 'owner' | 'admin' | 'member' | 'viewer';

export interface MembersTable {
  workspace_id: string;
  user_id: string;
  role: RoleValue;
  created_at: Timestamp;
}

export interface WorkspacePluginsTable {
  workspace_id: string;
  plugin_id: string;
  enabled: Generated<boolean>;
  config: Json<Record<string, unknown>>;
  updated_at: Timestamp;
}

export interface SecretsTable {
  workspace_id: string;
  plugin_id: string;
  name: string;
  ciphertext: Bytes;
  iv: Bytes;
  tag: Bytes;
  key_id: string;
  updated_at: Timestamp;
}

/** Matches the SDK's AfterToolCallEvent status. */
export type ToolCallStatusValue = 'ok' | 'error' | 'denied' | 'pending_approval';
export type ActorTypeValue = 'user' | 'token' | 'agent' | 'system';

export interface ToolCallsTable {
  id: Generated<string>;
  workspace_id: string;
  call_id: string;
  plugin_id: string;
  tool: string;
  actor_type: ActorTypeValue;
  actor_id: string;
  status: ToolCallStatusValue;
  error_code: string | null;
  duration_ms: number | null;
  idempotency_key: string | null;
  created_at: Timestamp;
}

/** Plugin stores (ctx.store): one JSON record per (workspace, plugin, collection, key). */
export interface PluginRecordsTable {
  workspace_id: string;
  plugin_id: string;
  collection: string;
  key: string;
  value: Json<unknown>;
  version: Generated<number>;
  /** bigserial: a string on pg, a number on PGlite. */
  seq: ColumnType<string | number, string | number | undefined, never>;
  updated_at: Timestamp;
}

export type OutboxStatusValue = 'queued' | 'sending' | 'retrying' | 'delivered' | 'dead' | 'cancelled';
export type OutboxRecipientStatusValue = 'queued' | 'sent' | 'delivered' | 'bounced' | 'complained' | 'failed' | 'cancelled';
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

/** The error an outbox attempt ended with (a NeonHubError's code, message, category, status and details). */
export interface OutboxErrorJson {
  code: string;
  message: string;
  category?: string;
  status?: number;
  details?: unknown;
  /** When the attempt ended (ISO 8601). */
  at?: string;
}

/** One external send of a connector, once per (workspace, tool, idempotency key). Migration 0011. */
export interface OutboxMessagesTable {
  id: string;
  workspace_id: string;
  plugin_id: string;
  /** `plugin-id:tool`. */
  tool: string;
  idempotency_key: string;
  input: Json<unknown>;
  /** SHA-256 of the input's canonical JSON: the same key with another input is NH_CONNECTOR_IDEMPOTENCY_CONFLICT. */
  input_hash: string;
  actor: Json<unknown>;
  /** The call that wrote it (audit and afterToolCall use this call id for the delivery). */
  call_id: string;
  approval_id: string | null;
  channel: string | null;
  /** The input's `connection` (id or label), if it named one. */
  connection: string | null;
  status: OutboxStatusValue;
  attempts: Generated<number>;
  failures: Generated<number>;
  max_attempts: number;
  dispatch: Generated<number>;
  next_attempt_at: Timestamp;
  lease: string | null;
  lease_until: NullableTimestamp;
  last_error: NullableJson<OutboxErrorJson>;
  /** The tool's output once delivered. */
  result: NullableJson<unknown>;
  created_at: Timestamp;
  updated_at: Timestamp;
  delivered_at: NullableTimestamp;
}

/** The delivery status of one recipient of an outbox message. Migration 0011. */
export interface OutboxRecipientsTable {
  message_id: string;
  recipient: string;
  status: OutboxRecipientStatusValue;
  provider_message_id: string | null;
  detail: string | null;
  updated_at: Timestamp;
}

export type ScheduleStatusValue =
  | 'scheduled'
  | 'running'
  | 'queued'
  | 'sent'
  | 'published'
  | 'done'
  | 'partial'
  | 'pending_approval'
  | 'failed'
  | 'cancelled';

/** A tool call the host makes at run_at (host/src/schedules). Migration 0014. */
export interface SchedulesTable {
  id: string;
  workspace_id: string;
  plugin_id: string;
  key: string;
  tool: string;
  input: Json<unknown>;
  actor: Json<{ type: ActorTypeValue; id: string; role?: RoleValue }>;
  channel: string;
  network: string | null;
  title: string;
  run_at: Timestamp;
  time_zone: string;
  status: ScheduleStatusValue;
  version: Generated<number>;
  attempts: Generated<number>;
  lease_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  error: ColumnType<{ code: string; message: string } | null, string | null | undefined, string | null>;
  result: ColumnType<unknown, string | null | undefined, string | null>;
  fired_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/**
 * The database as Kysely sees it: every table of every migration, its row type beside the migrations in this
 * package (types*.ts, *-tables.ts), so no module reaches a table through a cast. Row types describe storage;
 * repositories map rows to DTOs.
 */
export interface DB {
  workspaces: WorkspacesTable;
  users: UsersTable;
  members: MembersTable;
  workspace_plugins: WorkspacePluginsTable;
  secrets: SecretsTable;
  tool_calls: ToolCallsTable;
  plugin_records: PluginRecordsTable;
  outbox_messages: OutboxMessagesTable;
  outbox_recipients: OutboxRecipientsTable;
  contacts: ContactsTable;
  contact_lists: ContactListsTable;
  contact_list_members: ContactListMembersTable;
  segments: SegmentsTable;
  suppressions: SuppressionsTable;
  tracked_links: TrackedLinksTable;
  result_events: ResultEventsTable;
  schedules: SchedulesTable;
  result_daily: ResultDailyTable;
  notification_prefs: NotificationPrefsTable;
  notifications_sent: NotificationsSentTable;
  send_attributions: SendAttributionsTable;
  campaign_results_links: CampaignResultsLinksTable;
  social_metric_snapshots: SocialMetricSnapshotsTable;
  results_settings: ResultsSettingsTable;
  held_calls: HeldCallsTable;
  api_tokens: ApiTokensTable;
  runs: RunsTable;
  steps: StepsTable;
  run_events: RunEventsTable;
  sessions: SessionsTable;
  invites: InvitesTable;
  account_tokens: AccountTokensTable;
  connections: ConnectionsTable;
  connection_oauth_flows: ConnectionOAuthFlowsTable;
  connector_events: ConnectorEventsTable;
  mcp_oauth_grants: McpOAuthGrantsTable;
  mcp_oauth_flows: McpOAuthFlowsTable;
}
