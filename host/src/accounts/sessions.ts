import type { DB, Kysely, User } from '@neonhub/db';
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

export const SESSION_PREFIX = 'nhs_';
export const DAY_MS = 86_400_000;

export interface Session {
  id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface SessionServiceOptions {
  now?: () => Date;
  /** Sliding lifetime (default 30 days). */
  lifetimeMs?: number;
  /** The expiry is pushed forward at most this often (default one hour). */
  refreshIntervalMs?: number;
}

const randomString = () => encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(15)));
const hashSecret = (secret: string) => sha256(new TextEncoder().encode(secret));

/**
 * Sessions after the Lucia author's @oslojs recipe: the token is `nhs_<id>.<secret>` (two
 * 120-bit random strings); only the SHA-256 of the secret is stored and compared in constant
 * time. The expiry slides (30 days) and is written at most once an hour.
 */
export function createSessionService(database: Kysely<DB>, opts: SessionServiceOptions = {}) {
  const db = database;
  const now = opts.now ?? (() => new Date());
  const lifetimeMs = opts.lifetimeMs ?? 30 * DAY_MS;
  const refreshIntervalMs = opts.refreshIntervalMs ?? 3_600_000;

  return {
    lifetimeMs,
    async create(userId: string): Promise<{ token: string; session: Session }> {
      const id = randomString();
      const secret = randomString();
      const at = now();
      const session: Session = { id, userId, createdAt: at, expiresAt: new Date(at.getTime() + lifetimeMs) };
      await db
        .insertInto('sessions')
        .values({ id, user_id: userId, secret_hash: hashSecret(secret), created_at: at, expires_at: session.expiresAt })
        .execute();
      return { token: `${SESSION_PREFIX}${id}.${secret}`, session };
    },

    /** The session and its user, or undefined (malformed, unknown, wrong secret, expired: all the same). */
    async validate(token: string | undefined): Promise<{ session: Session; user: User } | undefined> {
      if (!token?.startsWith(SESSION_PREFIX)) return undefined;
      const [id, secret, extra] = token.slice(SESSION_PREFIX.length).split('.');
      if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 64) return undefined;
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select([
          'sessions.id',
          'sessions.user_id',
          'sessions.secret_hash',
          'sessions.created_at',
          'sessions.expires_at',
          'users.email',
          'users.name',
          'users.created_at as user_created_at',
        ])
        .where('sessions.id', '=', id)
        .executeTakeFirst();
      if (!row || !constantTimeEqual(new Uint8Array(row.secret_hash), hashSecret(secret))) return undefined;
      const at = now();
      let expiresAt = new Date(row.expires_at);
      if (expiresAt.getTime() <= at.getTime()) {
        await db.deleteFrom('sessions').where('id', '=', id).execute();
        return undefined;
      }
      if (expiresAt.getTime() - at.getTime() < lifetimeMs - refreshIntervalMs) {
        expiresAt = new Date(at.getTime() + lifetimeMs);
        await db.updateTable('sessions').set({ expires_at: expiresAt }).where('id', '=', id).execute();
      }
      return {
        session: { id: row.id, userId: row.user_id, createdAt: new Date(row.created_at ?? 0), expiresAt },
        user: { id: row.user_id, email: row.email, name: row.name, createdAt: new Date(row.user_created_at).toISOString() },
      };
    },

    async invalidate(sessionId: string): Promise<void> {
      await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
    },

    /** Log out everywhere: every session of the user. Returns how many ended. */
    async invalidateAll(userId: string): Promise<number> {
      const r = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
