import { createDatabase, type Database, migrate, workspacesRepository } from '@neonhub/db';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDbTokenStore } from '../../src/mcp/token-store-db.js';
import { createTokenService, hashToken } from '../../src/mcp/tokens.js';

let database: Database;
let workspaceId: string;

beforeAll(async () => {
  database = await createDatabase({ memory: true });
  await migrate(database.db);
  workspaceId = (await workspacesRepository(database.db).create({ slug: 'acme', name: 'Acme' })).id;
}, 60_000);
afterAll(async () => {
  await database?.close();
});

describe('API tokens in the database (migration 0003_api_tokens, PGlite)', () => {
  it('stores only the hash, verifies, throttles last_used_at, revokes, and cascades with the workspace', async () => {
    let now = new Date('2026-03-01T10:00:00Z');
    const tokens = createTokenService(createDbTokenStore(database.db), { now: () => now, cacheTtlMs: 0 });
    const { token, info } = await tokens.create({ workspaceId, role: 'viewer', name: 'claude desktop' });
    const rows = await database.db.selectFrom('api_tokens').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(hashToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);

    expect(await tokens.verify(token)).toMatchObject({ id: info.id, workspaceId, role: 'viewer' });
    // the last_used_at write is not awaited by verify: wait for it to land
    await vi.waitFor(async () => expect((await tokens.list(workspaceId))[0]!.lastUsedAt?.toISOString()).toBe('2026-03-01T10:00:00.000Z'), {
      timeout: 20_000,
      interval: 20,
    });
    now = new Date('2026-03-01T10:00:30Z');
    await tokens.verify(token);
    await new Promise((r) => setTimeout(r, 50));
    expect((await tokens.list(workspaceId))[0]!.lastUsedAt?.toISOString()).toBe('2026-03-01T10:00:00.000Z');

    await tokens.revoke(workspaceId, info.id);
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'NH_AUTH_TOKEN_INVALID' });
    await expect(tokens.revoke(workspaceId, info.id)).rejects.toMatchObject({ code: 'NH_AUTH_TOKEN_NOT_FOUND' });
  });
});
