import { randomUUID } from 'node:crypto';
import { createDatabase, type Database, migrate } from '@neonhub/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineContext } from './context.js';
import { createRunLifecycle } from './runs.js';
import { createWaitingQuery } from './waiting.js';

/**
 * The run lists order by creation time, newest first, and break ties by id: runs created in one millisecond (a
 * schedule firing several, a burst over the API) come back in one order on every read, and a limit that falls among
 * them takes the same ones every time (no run shown twice or never across reads).
 */
let database: Database;
let ctx: EngineContext;
let wsId: string;
const runIds: string[] = [];

beforeAll(async () => {
  database = await createDatabase({ memory: true });
  await migrate(database.db);
  const ws = await database.db.insertInto('workspaces').values({ slug: 'ties', name: 'Ties' }).returning('id').executeTakeFirstOrThrow();
  wsId = ws.id;
  ctx = { db: database.db, deps: { resolveWorkspace: async () => ({ id: wsId, slug: 'ties' }) } } as unknown as EngineContext;
  const at = new Date('2026-12-01T10:00:00.000Z');
  for (let i = 0; i < 12; i++) runIds.push(randomUUID());
  // inserted in an order that is neither the ids' order nor its reverse, all in one millisecond
  const shuffled = [...runIds].sort((a, b) => a.slice(4).localeCompare(b.slice(4)));
  await database.db
    .insertInto('runs')
    .values(
      shuffled.map((id) => ({
        id,
        workspace_id: wsId,
        goal: `goal ${id}`,
        status: 'waiting_approval',
        planner: 'test',
        actor: JSON.stringify({ type: 'system', id: 'test' }),
        created_at: at,
      })) as never,
    )
    .execute();
  await database.db
    .insertInto('steps')
    .values(
      shuffled.map((id) => ({
        run_id: id,
        id: 'a',
        seq: 0,
        tool: 't:x',
        input: '{}',
        status: 'waiting_approval',
        max_attempts: 1,
      })) as never,
    )
    .execute();
  // churn the heap so a plan without the tie-break has a reason to return another order
  await database.db.updateTable('runs').set({ goal: 'moved' }).where('id', 'in', shuffled.slice(0, 6)).execute();
});

afterAll(async () => {
  await database?.close();
});

const byIdDesc = () => [...runIds].sort().reverse();

describe('runs created in one millisecond', () => {
  it('the workspace’s run list: newest first, ties by id, the same runs at a limit among them', async () => {
    const runs = createRunLifecycle(ctx);
    expect((await runs.list('ties', 50)).map((r) => r.id)).toEqual(byIdDesc());
    for (const limit of [1, 5, 11]) expect((await runs.list('ties', limit)).map((r) => r.id)).toEqual(byIdDesc().slice(0, limit));
  });

  it('the runs waiting for a decision: the same order, the same runs at a limit', async () => {
    const { listWaiting } = createWaitingQuery(ctx);
    expect((await listWaiting('ties')).map((v) => v.run.id)).toEqual(byIdDesc());
    for (const limit of [1, 5, 11]) expect((await listWaiting('ties', { limit })).map((v) => v.run.id)).toEqual(byIdDesc().slice(0, limit));
  });
});
