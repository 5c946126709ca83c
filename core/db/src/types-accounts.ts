import type { RoleValue } from './types.js';

/** Read as a Date, written as a Date or ISO string; optional on insert (the database defaults it). */
type Timestamp = Date;

/** Rows of migration 0003_api_tokens: a workspace's API tokens, found by the SHA-256 of the token. */
export interface ApiTokensTable {
  id: string;
  workspace_id: string;
  role: RoleValue;
  name: string;
  token_hash: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** Rows of migration 0005_sessions: a signed-in browser. */
export interface SessionsTable {
  id: string;
  user_id: string;
  secret_hash: Uint8Array;
  created_at?: Timestamp;
  expires_at: Timestamp;
}

/** Rows of migration 0005_sessions: an invitation to a workspace, by e-mail. */
export interface InvitesTable {
  workspace_id: string;
  email: string;
  role: RoleValue;
  invited_by: string | null;
  created_at?: Timestamp;
}

/** Rows of migration 0009_account_tokens: a password-reset or e-mail verification link. */
export interface AccountTokensTable {
  token_hash: Uint8Array;
  user_id: string;
  purpose: 'password_reset' | 'email_verify';
  email: string;
  created_at?: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}
