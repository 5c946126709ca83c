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
