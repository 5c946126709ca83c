import type { DB, Kysely } from '@neonhub/db';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { hostErrors } from '../errors.js';

export type AccountLinkPurpose = 'password_reset' | 'email_verify';

/** `nhl_` + 160 random bits in base32: a one-time account link token. */
export const LINK_PREFIX = 'nhl_';
const TOKEN_SHAPE = /^nhl_[a-z2-7]{32}$/;

export const LINK_LIFETIME_MS: Record<AccountLinkPurpose, number> = {
  password_reset: 60 * 60_000,
  email_verify: 48 * 3_600_000,
};

const hashToken = (token: string) => sha256(new TextEncoder().encode(token));

export interface AccountLinkServiceOptions {
  now?: () => Date;
  lifetimeMs?: Partial<Record<AccountLinkPurpose, number>>;
}

/**
 * One-time links for password reset and e-mail verification. The token is 160 random bits; only its
 * SHA-256 is stored. Spending it is one conditional UPDATE (unused and unexpired), so two concurrent uses
 * cannot both succeed; a newer link of the same purpose replaces the user's older unused ones.
 */
export function createAccountLinks(database: Kysely<DB>, opts: AccountLinkServiceOptions = {}) {
  const now = opts.now ?? (() => new Date());
  const lifetime = { ...LINK_LIFETIME_MS, ...opts.lifetimeMs };

  async function classify(db: Kysely<DB>, hash: Uint8Array, purpose: AccountLinkPurpose): Promise<never> {
    const row = await db
      .selectFrom('account_tokens')
      .select(['used_at', 'expires_at'])
      .where('token_hash', '=', hash)
      .where('purpose', '=', purpose)
      .executeTakeFirst();
    if (!row) throw hostErrors.create('NH_AUTH_LINK_INVALID', 'this link is not valid (or was replaced by a newer one); ask for a new one');
    if (row.used_at) throw hostErrors.create('NH_AUTH_LINK_USED', 'this link was already used; ask for a new one');
    throw hostErrors.create('NH_AUTH_LINK_EXPIRED', 'this link expired; ask for a new one');
  }

  function parse(token: unknown): Uint8Array {
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token))
      throw hostErrors.create('NH_AUTH_LINK_INVALID', 'this link is not valid; copy the whole link from the e-mail');
    return hashToken(token);
  }

  return {
    lifetimeMs: lifetime,

    /** A new link token for the user (older unused ones of the same purpose stop working). */
    async issue(userId: string, email: string, purpose: AccountLinkPurpose): Promise<{ token: string; expiresAt: Date }> {
      const token = `${LINK_PREFIX}${encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(20)))}`;
      const at = now();
      const expiresAt = new Date(at.getTime() + lifetime[purpose]);
      const db = database;
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('account_tokens')
          .where('user_id', '=', userId)
          .where('purpose', '=', purpose)
          .where('used_at', 'is', null)
          .execute();
        // Spent and expired rows are kept a day (to answer "already used" / "expired"), then dropped.
        await trx
          .deleteFrom('account_tokens')
          .where('expires_at', '<', new Date(at.getTime() - 86_400_000))
          .execute();
        await trx
          .insertInto('account_tokens')
          .values({ token_hash: hashToken(token), user_id: userId, purpose, email, created_at: at, expires_at: expiresAt, used_at: null })
          .execute();
      });
      return { token, expiresAt };
    },

    /** Throws NH_AUTH_LINK_INVALID / _USED / _EXPIRED unless the token could be spent now (it is not spent). */
    async check(token: unknown, purpose: AccountLinkPurpose): Promise<void> {
      const hash = parse(token);
      const db = database;
      const row = await db
        .selectFrom('account_tokens')
        .select('user_id')
        .where('token_hash', '=', hash)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now())
        .executeTakeFirst();
      if (!row) await classify(db, hash, purpose);
    },

    /**
     * Spends the token (once) and runs `then` in the same transaction; throws NH_AUTH_LINK_INVALID / _USED /
     * _EXPIRED otherwise. Returns the user and e-mail the link was issued for.
     */
    async consume<T>(
      token: unknown,
      purpose: AccountLinkPurpose,
      then: (trx: Kysely<DB>, link: { userId: string; email: string }) => Promise<T>,
    ): Promise<{ userId: string; email: string; result: T }> {
      const hash = parse(token);
      return database.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('account_tokens')
          .set({ used_at: now() })
          .where('token_hash', '=', hash)
          .where('purpose', '=', purpose)
          .where('used_at', 'is', null)
          .where('expires_at', '>', now())
          .returning(['user_id', 'email'])
          .executeTakeFirst();
        if (!row) return classify(trx, hash, purpose);
        const link = { userId: row.user_id, email: row.email };
        return { ...link, result: await then(trx, link) };
      });
    },
  };
}

export type AccountLinks = ReturnType<typeof createAccountLinks>;
