import type { DB, Kysely, RoleValue } from '@neonhub/db';

/** Read as a Date, written as a Date or ISO string (as in core/db/src/types.ts). */
type Timestamp = Date;

/** Rows of migration 0005_sessions (core/db/src/migrations/0005-sessions.ts). */
export interface SessionsTable {
  id: string;
  user_id: string;
  secret_hash: Uint8Array;
  created_at?: Timestamp;
  expires_at: Timestamp;
}

export interface InvitesTable {
  workspace_id: string;
  email: string;
  role: RoleValue;
  invited_by: string | null;
  created_at?: Timestamp;
}

/** Rows of migration 0009_account_tokens (core/db/src/migrations/0009-account-tokens.ts). */
export interface AccountTokensTable {
  token_hash: Uint8Array;
  user_id: string;
  purpose: 'password_reset' | 'email_verify';
  email: string;
  created_at?: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

/** The users columns the accounts module adds (0009: email_verified_at). */
interface UsersAccountColumns {
  email_verified_at?: Timestamp | null;
}

export type AccountsDB = Omit<DB, 'users'> & {
  users: DB['users'] & UsersAccountColumns;
  sessions: SessionsTable;
  invites: InvitesTable;
  account_tokens: AccountTokensTable;
};
export const accountsDb = (db: Kysely<DB>) => db as unknown as Kysely<AccountsDB>;
