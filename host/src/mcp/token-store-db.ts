import type { ApiTokensTable, DB, Kysely } from '@neonhub/db';
import type { ApiTokenRecord, TokenStore } from './tokens.js';

/** A row of `api_tokens` (its type lives with migration 0003 in core/db). */
type Row = ApiTokensTable;

const toRecord = (r: Row): ApiTokenRecord => ({
  id: r.id,
  workspaceId: r.workspace_id,
  role: r.role,
  name: r.name,
  tokenHash: r.token_hash,
  createdAt: new Date(r.created_at),
  lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
  revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
});

/** API tokens in the database (PGlite or PostgreSQL), looked up by the SHA-256 of the token. */
export function createDbTokenStore(db: Kysely<DB>): TokenStore {
  return {
    async insert(r) {
      await db
        .insertInto('api_tokens')
        .values({
          id: r.id,
          workspace_id: r.workspaceId,
          role: r.role,
          name: r.name,
          token_hash: r.tokenHash,
          created_at: r.createdAt,
          last_used_at: r.lastUsedAt,
          revoked_at: r.revokedAt,
        })
        .execute();
    },
    async findByHash(tokenHash) {
      const row = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
    async listByWorkspace(workspaceId) {
      const rows = await db
        .selectFrom('api_tokens')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },
    async touch(id, at) {
      await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
    },
    async revoke(id, workspaceId, at) {
      const result = await db
        .updateTable('api_tokens')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('workspace_id', '=', workspaceId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
