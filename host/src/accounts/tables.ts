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

export type AccountsDB = DB & { sessions: SessionsTable; invites: InvitesTable };
export const accountsDb = (db: Kysely<DB>) => db as unknown as Kysely<AccountsDB>;
