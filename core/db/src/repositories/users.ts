import type { Kysely, Selectable } from 'kysely';
import { mapped } from '../pg-errors.js';
import type { DB, UsersTable } from '../types.js';
import { iso, isUuid } from './util.js';

/** A person who can sign in; users are global and join workspaces through members. */
export interface User {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}

export interface NewUser {
  email: string;
  name?: string;
  passwordHash?: string | null;
}

const constraints = { users_email_key: { table: 'users', field: 'email' } };

/** Emails compare case-insensitively: they are stored trimmed and lowercased. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

function toUser(row: Selectable<UsersTable>): User {
  return { id: row.id, email: row.email, name: row.name, createdAt: iso(row.created_at) };
}

/** Users are not workspace data (one person, many workspaces); everything else is scoped. */
export function usersRepository(db: Kysely<DB>) {
  return {
    /** A duplicate email is NH_DB_CONFLICT (details.field = 'email'). */
    async create(input: NewUser): Promise<User> {
      const row = await mapped(
        () =>
          db
            .insertInto('users')
            .values({ email: normalizeEmail(input.email), name: input.name ?? '', password_hash: input.passwordHash ?? null })
            .returningAll()
            .executeTakeFirstOrThrow(),
        constraints,
      );
      return toUser(row);
    },

    async getById(id: string): Promise<User | undefined> {
      if (!isUuid(id)) return undefined;
      const row = await mapped(() => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst());
      return row && toUser(row);
    },

    async getByEmail(email: string): Promise<User | undefined> {
      const row = await mapped(() => db.selectFrom('users').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst());
      return row && toUser(row);
    },

    /** The stored password hash, for sign-in only; never part of the User DTO. */
    async getPasswordHash(userId: string): Promise<string | null | undefined> {
      if (!isUuid(userId)) return undefined;
      const row = await mapped(() => db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst());
      return row?.password_hash;
    },

    async setPasswordHash(userId: string, passwordHash: string | null): Promise<boolean> {
      if (!isUuid(userId)) return false;
      const r = await mapped(() =>
        db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).executeTakeFirst(),
      );
      return r.numUpdatedRows > 0n;
    },
  };
}

export type UsersRepository = ReturnType<typeof usersRepository>;
