import { randomUUID } from 'node:crypto';
import type { Database } from '@neonhub/db';
import { createWaitingQuery } from '@neonhub/orchestrator';
import type { PluginManifest } from '@neonhub/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NotifierDeps, startNotifier } from '../../src/notifications/notifier.js';
import { type RunDatabase, runDatabases } from '../runs/run-databases.js';
import { emptyTables } from '../runs/shared-database.js';

/**
 * The notifier's three feeds (steps waiting for approval, calls held outside runs, sends that failed for good) on
 * both databases, without a host: each thing is told once to the approver who asked for e-mail (the outbox's submit
 * is recorded), whatever the order rows commit in and however many share one instant.
 */
const dbs = runDatabases();

interface Seeded {
  database: Database;
  ws: { id: string; slug: string };
  sent: string[];
  notifier: ReturnType<typeof startNotifier>;
}

async function seed(database: Database): Promise<Seeded> {
  const { db } = database;
  await emptyTables(database);
  const ws = await db.insertInto('workspaces').values({ slug: 'feeds', name: 'Feeds' }).returning(['id', 'slug']).executeTakeFirstOrThrow();
  const user = await db
    .insertInto('users')
    .values({ email: 'owner@example.com', password_hash: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('members').values({ workspace_id: ws.id, user_id: user.id, role: 'owner' }).execute();
  await db.insertInto('notification_prefs').values({ workspace_id: ws.id, user_id: user.id, via: 'email', slack_channel: null }).execute();
  const sent: string[] = [];
  const resolveWorkspace = async () => ws;
  const deps: NotifierDeps = {
    db,
    approvalsRequested: createWaitingQuery({ db, deps: { resolveWorkspace } } as never).approvalsRequested,
    resolveWorkspace,
    channels: () => ({ resolve: async () => ({ plugin: 'mail', tool: 'mail:send', sandbox: true }) }),
    manifest: () => ({ id: 'mail' }) as PluginManifest,
    outbox: {
      submit: async (req: { idempotencyKey: string }) => {
        sent.push(req.idempotencyKey.replace(/^notify:/, '').replace(/:[^:]+$/, ''));
        return { kind: 'queued' };
      },
    } as unknown as NotifierDeps['outbox'],
    everyMs: 3_600_000, // the test looks itself (tick)
  };
  return { database, ws, sent, notifier: startNotifier(deps) };
}

/** A run of the workspace with `n` steps waiting for approval (no events yet). */
async function waitingRun(s: Seeded, n: number): Promise<{ runId: string; steps: string[] }> {
  const runId = randomUUID();
  await s.database.db
    .insertInto('runs')
    .values({
      id: runId,
      workspace_id: s.ws.id,
      goal: 'spring sale',
      status: 'waiting_approval',
      planner: 'test',
      actor: JSON.stringify({ type: 'system', id: 'test' }),
    } as never)
    .execute();
  const steps = Array.from({ length: n }, (_, i) => `s${String(i).padStart(3, '0')}`);
  await s.database.db
    .insertInto('steps')
    .values(
      steps.map((id, seq) => ({
        run_id: runId,
        id,
        seq,
        tool: 'agent-seo:analyze_page',
        input: '{}',
        status: 'waiting_approval',
        max_attempts: 1,
      })) as never,
    )
    .execute();
  return { runId, steps };
}

const approvalEvent = (runId: string, stepId: string, at?: Date) => ({
  run_id: runId,
  step_id: stepId,
  type: 'approval.requested',
  data: '{}',
  ...(at ? { at } : {}),
});

const sentCount = (s: Seeded, prefix: string) => s.sent.filter((k) => k.startsWith(prefix)).length;

describe.each(dbs.map((d) => [d.name, d] as [string, RunDatabase]))('the notifier’s feeds on %s', (_name, rdb) => {
  let s: Seeded;
  beforeAll(async () => {
    s = await seed(await rdb.open());
  });
  afterAll(async () => {
    await s?.notifier.close();
    await rdb.close();
  });

  it('reach every row when more than a page (100) share one instant: approvals, held calls, failed sends', async () => {
    const at = new Date(Date.now() - 1000);
    const { runId, steps } = await waitingRun(s, 150);
    await s.database.db
      .insertInto('run_events')
      .values(steps.map((id) => approvalEvent(runId, id, at)) as never)
      .execute();
    await s.database.db
      .insertInto('held_calls')
      .values(
        Array.from({ length: 150 }, (_, i) => ({
          call_id: `held-${String(i).padStart(3, '0')}`,
          workspace_id: s.ws.id,
          provider: 'governance',
          tool: 'agent-seo:analyze_page',
          actor_type: 'system',
          actor_id: 'test',
          reason: 'policy',
          created_at: at,
        })),
      )
      .execute();
    await s.database.db
      .insertInto('outbox_messages')
      .values(
        Array.from({ length: 150 }, (_, i) => ({
          id: randomUUID(),
          workspace_id: s.ws.id,
          plugin_id: 'mail',
          tool: `mail:send-${i}`,
          idempotency_key: `dead-${i}`,
          input: JSON.stringify({}),
          input_hash: 'h',
          actor: JSON.stringify({ type: 'system', id: 'test' }),
          call_id: randomUUID(),
          status: 'dead',
          max_attempts: 1,
          last_error: JSON.stringify({ code: 'NH_TEST', message: 'no' }),
          updated_at: at,
        })),
      )
      .execute();
    // two looks: a feed that stalls on its first page of already-seen rows tells 100 and never the other 50
    await s.notifier.tick();
    await s.notifier.tick();
    expect(sentCount(s, 'approval:')).toBe(150);
    expect(new Set(s.sent.filter((k) => k.startsWith('approval:'))).size).toBe(150);
    expect(sentCount(s, 'held:')).toBe(150);
    expect(new Set(s.sent.filter((k) => k.startsWith('held:'))).size).toBe(150);
    expect(sentCount(s, 'outbox:')).toBe(150);
    expect(new Set(s.sent.filter((k) => k.startsWith('outbox:'))).size).toBe(150);
    // rows that come later, in the same instant as the 150, are reached too
    const late = await waitingRun(s, 1);
    await s.database.db
      .insertInto('run_events')
      .values(approvalEvent(late.runId, late.steps[0]!, at) as never)
      .execute();
    await s.notifier.tick();
    expect(s.sent).toContain(`approval:${late.runId}/${late.steps[0]}`);
    expect(sentCount(s, 'approval:')).toBe(151);
  });
});

describe.each(dbs.filter((d) => d.name === 'postgres').map((d) => [d.name, d] as [string, RunDatabase]))(
  'approvals on %s committed out of id order',
  (_name, rdb) => {
    let s: Seeded;
    let release: () => void = () => {};
    beforeAll(async () => {
      s = await seed(await rdb.open());
    });
    afterAll(async () => {
      release(); // a failed test must not leave the transaction open (the database could not be dropped)
      await s?.notifier.close();
      await rdb.close();
    });

    it('tell a step whose event took an id before one already read but committed after it, even held past the overlap', async () => {
      const { runId, steps } = await waitingRun(s, 2);
      const [first, second] = steps as [string, string];
      await s.notifier.tick(); // the feed has looked once: it runs from here
      // one connection opens a transaction and writes the first step's event (it takes the lower id, stamped now())...
      let inserted!: () => void;
      const wrote = new Promise<void>((r) => {
        inserted = r;
      });
      const held = s.database.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('run_events')
          .values(approvalEvent(runId, first) as never)
          .execute();
        inserted();
        await new Promise<void>((r) => {
          release = r;
        });
      });
      await wrote;
      // ... another commits the second step's event: a later id, stamped a minute later (as a transaction that commits a
      // minute after the first began would be: more than the feed's overlap behind the newest event it read)
      await s.database.db
        .insertInto('run_events')
        .values(approvalEvent(runId, second, new Date(Date.now() + 60_000)) as never)
        .execute();
      await s.notifier.tick();
      expect(s.sent).toEqual([`approval:${runId}/${second}`]);
      // the first commits now: the next look tells it, and nothing twice
      release();
      await held;
      // the first step's event has the lower id (the old feed read after the last id seen: it never told it)
      const ids = await s.database.db.selectFrom('run_events').select(['id', 'step_id']).orderBy('id').execute();
      expect(ids.map((r) => r.step_id)).toEqual([first, second]);
      await s.notifier.tick();
      await s.notifier.tick();
      expect([...s.sent].sort()).toEqual([`approval:${runId}/${first}`, `approval:${runId}/${second}`].sort());
    });
  },
);
