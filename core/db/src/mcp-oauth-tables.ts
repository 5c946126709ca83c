import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type McpOAuthGrantStatusValue = 'pending' | 'connected' | 'failing';

/** Rows of migration 0019_mcp_oauth: a workspace's OAuth grant at an outside MCP server (one per mcp-http plugin). */
export interface McpOAuthGrantsTable {
  workspace_id: string;
  plugin_id: string;
  server_url: string;
  status: McpOAuthGrantStatusValue;
  /** Sealed JSON: client information, tokens, discovery state. */
  ciphertext: Uint8Array;
  iv: Uint8Array;
  tag: Uint8Array;
  key_id: string;
  scope: string | null;
  token_expires_at: NullableTimestamp;
  last_error: string | null;
  connected_by: string | null;
  connected_at: NullableTimestamp;
  updated_at: Timestamp;
}

/** Rows of migration 0019_mcp_oauth: an authorization waiting for the authorization server's redirect. */
export interface McpOAuthFlowsTable {
  /** SHA-256 (hex) of the `state`; the state itself is never stored. */
  state_hash: string;
  workspace_id: string;
  plugin_id: string;
  user_id: string | null;
  code_verifier: string;
  redirect_uri: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}
