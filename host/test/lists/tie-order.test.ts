import { randomUUID } from 'node:crypto';
import { createDatabase, type Database, migrate } from '@neonhub/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountDeps } from '../../src/accounts/deps.js';
import { listInvites } from '../../src/accounts/invites.js';
import { createDbTokenStore } from '../../src/mcp/token-store-db.js';

/**
 * Lists ordered by a time break ties by a key: rows written in one millisecond (a burst of invites or tokens) come back in one order on every read, whatever order they were written in, and a
 * limit that falls among them takes the same rows every time.
 */
let database: Database;
let wsId: string;
const at = new Date('2026-12-01T10:00:00.000Z');
/** Written in an order that is neither sorted nor reversed. */
const scrambled = <T>(xs: T[]) => [...xs.filter((_, i) => i % 2 === 1), ...xs.filter((_, i) => i % 2 === 0).reverse()];

beforeAll(async () => {
  database = await createDatabase({ memory: true });
  await migrate(database.db);
  wsId = (await database.db.insertInto('workspaces').values({ slug: 'ties', name: 'Ties' }).returning('id').executeTakeFirstOrThrow()).id;
});

afterAll(async () => {
  await database?.close();
});

describe('rows of one millisecond', () => {
  it('invites: oldest first, ties by e-mail', async () => {
    const emails = Array.from({ length: 9 }, (_, i) => `p${i}@example.com`);
    await database.db
      .insertInto('invites')
      .values(scrambled(emails).map((email) => ({ workspace_id: wsId, email, role: 'member' as const, created_at: at })))
      .execute();
    const deps = { db: database.db } as unknown as AccountDeps;
    expect((await listInvites(deps, wsId)).map((i) => i.email)).toEqual(emails);
  });

  it('API tokens: oldest first, ties by id', async () => {
    const ids = Array.from({ length: 9 }, () => randomUUID()).sort();
    await database.db
      .insertInto('api_tokens')
      .values(scrambled(ids).map((id) => ({ id, workspace_id: wsId, role: 'member', name: id, token_hash: `h-${id}`, created_at: at })))
      .execute();
    expect((await createDbTokenStore(database.db).listByWorkspace(wsId)).map((t) => t.id)).toEqual(ids);
  });
});
