import type { ColumnType } from 'kysely';

/** Read as a Date, written as a Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** jsonb: read parsed, written as a JSON string. */
type Json<T> = ColumnType<T, string | undefined, string>;
type Bytes = ColumnType<Uint8Array | null, Uint8Array | null | undefined, Uint8Array | null>;

export type ConnectionStatusValue = 'active' | 'failing' | 'revoked';
export type ConnectionAuthValue = 'none' | 'apiKey' | 'oauth2';

/** Rows of migration 0012_connections: one connected account of a connector plugin in a workspace. */
export interface ConnectionsTable {
  id: string;
  workspace_id: string;
  plugin_id: string;
  label: string;
  auth_type: ConnectionAuthValue;
  status: ConnectionStatusValue;
  is_default: ColumnType<boolean, boolean | undefined, boolean>;
  account_id: string | null;
  account_name: string | null;
  /** The non-secret credential fields, shown back to admins. */
  fields: Json<Record<string, string>>;
  /** The sealed JSON credentials (every field, or the OAuth tokens); null once revoked. */
  ciphertext: Bytes;
  iv: Bytes;
  tag: Bytes;
  key_id: string | null;
  token_expires_at: NullableTimestamp;
  last_error: string | null;
  last_error_at: NullableTimestamp;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Rows of migration 0012_connections: an OAuth authorization waiting for the provider's callback. */
export interface ConnectionOAuthFlowsTable {
  /** SHA-256 (hex) of the `state` sent to the provider; the state itself is never stored. */
  state_hash: string;
  workspace_id: string;
  plugin_id: string;
  label: string;
  connection_id: string | null;
  user_id: string | null;
  code_verifier: string;
  redirect_uri: string;
  fields: Json<Record<string, string>>;
  make_default: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** Rows of migration 0013_connector_events: one normalized webhook event, once per (connection, event id). */
export interface ConnectorEventsTable {
  id: string;
  workspace_id: string;
  connection_id: string;
  plugin_id: string;
  event_id: string;
  type: string;
  message_id: string | null;
  recipient: string | null;
  occurred_at: Timestamp;
  received_at: Timestamp;
  data: Json<Record<string, unknown>>;
  /** bigserial: a string on pg, a number on PGlite. */
  seq: ColumnType<string | number, never, never>;
}
