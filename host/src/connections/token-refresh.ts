import type { DB, Kysely } from '@neonhub/db';
import { connectorErrors } from '@neonhub/sdk';
import { type CredentialSeal, contextOf, type ResolvedConnection, type ConnectionRow as Row } from './credentials.js';
import { connectionErrors } from './errors.js';
import type { OAuthTokens } from './oauth-client.js';
import type { ConnectionRows } from './rows.js';

/** A token this close to expiry is refreshed before the call that would use it. */
const REFRESH_MARGIN_MS = 60_000;

export interface TokenRefreshDeps {
  db: Kysely<DB>;
  seal: CredentialSeal;
  rows: Pick<ConnectionRows, 'setStatus'>;
  /** The provider's refresh of the row's tokens (its connector's OAuth client). */
  refreshAt(row: Row, tokens: OAuthTokens): Promise<OAuthTokens>;
  now: () => number;
}

/** OAuth token refresh: one refresh at a time per connection, before a call when the token is about to expire. */
export function createTokenRefresh(deps: TokenRefreshDeps) {
  const { db, seal } = deps;
  const refreshing = new Map<string, Promise<OAuthTokens>>();

  /** Refreshes the row's OAuth tokens (one refresh at a time per connection) and stores them; marks it failing when refused. */
  function refresh(row: Row): Promise<OAuthTokens> {
    const running = refreshing.get(row.id);
    if (running) return running;
    const task = (async () => {
      const creds = seal.open(row);
      if (!creds.tokens) throw connectionErrors.create('NH_CONNECTION_REFRESH_FAILED', `connection ${row.label} holds no OAuth token`);
      try {
        const tokens = await deps.refreshAt(row, creds.tokens);
        await db
          .updateTable('connections')
          .set({
            ...seal.seal(row, { ...creds, tokens }),
            token_expires_at: tokens.expiresAt ? new Date(tokens.expiresAt) : null,
            status: 'active',
            last_error: null,
            last_error_at: null,
            updated_at: new Date(),
          })
          .where('id', '=', row.id)
          .where('status', '<>', 'revoked')
          .execute();
        return tokens;
      } catch (err) {
        await deps.rows.setStatus(row.id, 'failing', `token refresh failed: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      }
    })().finally(() => refreshing.delete(row.id));
    refreshing.set(row.id, task);
    return task;
  }

  /** The credentials a call uses: OAuth tokens refreshed first when they expire within a minute. */
  async function resolveRow(row: Row): Promise<ResolvedConnection> {
    let creds = seal.open(row);
    const expiresAt = creds.tokens?.expiresAt;
    if (creds.tokens?.refreshToken && expiresAt !== undefined && expiresAt - deps.now() < REFRESH_MARGIN_MS) {
      try {
        creds = { ...creds, tokens: await refresh(row) };
      } catch (err) {
        throw connectorErrors.create(
          'NH_CONNECTOR_AUTH_FAILED',
          `connection ${row.label} of ${row.plugin_id}: ${err instanceof Error ? err.message : String(err)}`,
          { details: { connection: row.id }, cause: err },
        );
      }
    }
    return { context: contextOf(row, creds), status: row.status, authType: row.auth_type };
  }

  return { refresh, resolveRow };
}
