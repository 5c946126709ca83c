import type { ColumnType, Generated } from 'kysely';

/** Row types of migrations 0015 (audiences) and 0016 (results). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;

export interface ContactsTable {
  id: Generated<string>;
  workspace_id: string;
  email: string | null;
  phone: string | null;
  handles: Json<Record<string, string>>;
  attributes: Json<Record<string, string | number | boolean | null>>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ContactListsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  created_at: Timestamp;
}

export interface ContactListMembersTable {
  list_id: string;
  contact_id: string;
  added_at: Timestamp;
}

export interface SegmentsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  rule: Json<unknown>;
  created_at: Timestamp;
}

export interface SuppressionsTable {
  workspace_id: string;
  channel: string;
  value_hash: string;
  value: string | null;
  reason: string;
  created_at: Timestamp;
}

export interface TrackedLinksTable {
  id: Generated<string>;
  workspace_id: string;
  code: string;
  url: string;
  campaign: string;
  variant: Generated<string>;
  channel: Generated<string>;
  contact_id: string | null;
  created_at: Timestamp;
  /** The draft the link was made for and the prompt variant that wrote it (migration 0033; null: none). */
  content_id: string | null;
  prompt_variant: string | null;
}

export interface ResultEventsTable {
  /** bigserial: a string on pg, a number on PGlite. */
  id: ColumnType<string | number, never, never>;
  workspace_id: string;
  campaign: string;
  variant: Generated<string>;
  channel: Generated<string>;
  contact_id: string | null;
  kind: string;
  occurred_at: Timestamp;
  /** A date column: read as a Date on pg and PGlite, written as 'YYYY-MM-DD'. */
  day: ColumnType<Date | string, string, string>;
  value: number | null;
  message_id: string | null;
  link_id: string | null;
  source: string;
  dedupe_key: string;
  data: Json<Record<string, unknown>>;
  /** The draft the send carried (migration 0029), copied to every event attributed to the send. */
  content_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The prompt variant that wrote that draft (migration 0029). */
  prompt_variant: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Daily counts per campaign, variant, channel and kind (migration 0016b), kept in step with result_events. */
export interface ResultDailyTable {
  workspace_id: string;
  campaign: string;
  variant: string;
  channel: string;
  kind: string;
  day: ColumnType<Date | string, string, string>;
  /** bigint: a string on pg, a number on PGlite. */
  count: ColumnType<string | number, number, number>;
}

/** The campaign, variant and contact a caller names for a send before it is made (migration 0022). */
export interface SendAttributionsTable {
  workspace_id: string;
  idempotency_key: string;
  campaign: string;
  variant: Generated<string>;
  contact_id: string | null;
  created_at: Generated<Date>;
  content_id: ColumnType<string | null, string | null | undefined, string | null>;
  prompt_variant: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Results campaign names stored as a campaign's (migration 0029): the campaign results API reads them. */
export interface CampaignResultsLinksTable {
  workspace_id: string;
  campaign_id: string;
  results_campaign: string;
  /** Who linked them: `send` (a send named both), `api` (a person), `name` (the campaign's id or name was the results name). */
  source: string;
  created_at: Generated<Date>;
}

/** The last totals pulled per published post and metric (migration 0022): a pull records only the difference. */
export interface SocialMetricSnapshotsTable {
  workspace_id: string;
  plugin_id: string;
  post_id: string;
  metric: string;
  /** bigint: a string on pg, a number on PGlite. */
  value: ColumnType<string | number, number, number>;
  pulled_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Per workspace: how often social metrics are pulled and how far back (migration 0022). */
export interface ResultsSettingsTable {
  workspace_id: string;
  metrics_every_minutes: Generated<number>;
  metrics_days: Generated<number>;
  metrics_pulled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Whether the pull runs (migration 0025); off keeps the interval. */
  metrics_enabled: Generated<boolean>;
  /** Whether the learning loop runs, every how many minutes, on which result (migration 0033). */
  learning_enabled: Generated<boolean>;
  learning_every_minutes: Generated<number>;
  learning_metric: Generated<string>;
}
