import { randomUUID } from 'node:crypto';
import { isNeonHubError, type NeonHubError } from '@neonhub/schemas';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDatabase,
  createRepositories,
  type Database,
  migrate,
  migrationStatus,
  migrations,
  type Repositories,
} from '../src/index.js';
import { availableDialects } from './dialects.js';

async function codeOf(p: Promise<unknown>): Promise<NeonHubError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isNeonHubError(err)) throw new Error(`expected a NeonHubError, got ${err instanceof Error ? err.stack : String(err)}`);
  return err;
}

let n = 0;
const slug = (p: string) => `${p}-${process.pid}-${++n}`;
const sealed = (text: string) => ({ ciphertext: Buffer.from(text), iv: Buffer.alloc(12, 7), tag: Buffer.alloc(16, 9), keyId: 'k-test' });

for (const dialect of availableDialects()) {
  describe(`data layer on ${dialect.name}`, () => {
    let database: Database;
    let repos: Repositories;

    beforeAll(async () => {
      database = await dialect.open();
      await migrate(database.db);
      repos = createRepositories(database.db);
    });
    afterAll(async () => {
      await database?.close();
      await dialect.teardown();
    });

    describe('migrations', () => {
      it('are idempotent: a second run applies nothing and every migration is recorded once', async () => {
        expect(await migrate(database.db)).toEqual({ applied: [] });
        const status = await migrationStatus(database.db);
        expect(status.map((s) => s.name)).toEqual(migrations.map(([name]) => name));
        expect(status.every((s) => s.executedAt instanceof Date)).toBe(true);
        const { rows } = await sql<{ count: number }>`select count(*)::int as count from nh_migration`.execute(database.db);
        expect(rows[0]?.count).toBe(migrations.length);
      });

      it('a migration that landed after a later-numbered one is still applied', async () => {
        const { a, dispose } = await dialect.fresh();
        try {
          const late = migrations.at(-2);
          if (!late) throw new Error('needs two migrations');
          const withoutLate = migrations.filter(([name]) => name !== late[0]);
          expect((await migrate(a.db, withoutLate)).applied).not.toContain(late[0]);
          expect(await migrate(a.db)).toEqual({ applied: [late[0]] });
          expect((await migrationStatus(a.db)).every((s) => s.executedAt instanceof Date)).toBe(true);
        } finally {
          await dispose();
        }
      });

      it('a database that ran a migration this code does not know is refused as before (the quick check does not hide it)', async () => {
        const { a, dispose } = await dialect.fresh();
        try {
          const newer = {
            up: (db: Kysely<unknown>) => db.schema.createTable('t_newer').addColumn('x', 'integer').execute(),
          };
          expect((await migrate(a.db, [...migrations, ['9001_from_a_newer_neonhub', newer]])).applied).toContain(
            '9001_from_a_newer_neonhub',
          );
          const err = await codeOf(migrate(a.db));
          expect(err.code).toBe('NH_DB_MIGRATION_FAILED');
          expect(err.message).toContain('9001_from_a_newer_neonhub');
        } finally {
          await dispose();
        }
      });

      it('concurrent runs against one fresh database apply each migration exactly once', async () => {
        const { a, b, dispose } = await dialect.fresh();
        try {
          const results = await Promise.all([migrate(a.db), migrate(b.db), migrate(a.db)]);
          expect(results.flatMap((r) => r.applied).sort()).toEqual(migrations.map(([name]) => name).sort());
          const { rows } = await sql<{ name: string }>`select name from nh_migration`.execute(b.db);
          expect(rows.map((r) => r.name)).toEqual(migrations.map(([name]) => name));

          // A failing migration takes the pending ones before it down with it: all or nothing.
          const table = (name: string) => ({
            up: (db: Kysely<unknown>) => db.schema.createTable(name).addColumn('x', 'integer').execute(),
          });
          const broken = {
            up: async (db: Kysely<unknown>) => {
              await table('t_half').up(db);
              throw new Error('bad migration');
            },
          };
          const err = await codeOf(migrate(a.db, [...migrations, ['9001_fine', table('t_fine')], ['9002_broken', broken]]));
          expect(err.code).toBe('NH_DB_MIGRATION_FAILED');
          expect(err.message).toContain('9002_broken');
          const left = await sql<{ n: number }>`select count(*)::int as n from pg_tables where tablename in ('t_fine', 't_half')`.execute(
            a.db,
          );
          expect(left.rows[0]?.n).toBe(0);
          expect((await migrationStatus(a.db)).map((m) => m.name)).toEqual(migrations.map(([name]) => name));
        } finally {
          await dispose();
        }
      });
    });

    it(`reports pgvector (${dialect.name !== 'postgres' ? 'always there' : 'when the server has it'})`, async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_extension where extname = 'vector'`.execute(database.db);
      expect(database.hasVector).toBe(rows[0]?.n === 1);
      if (dialect.name !== 'postgres') expect(database.hasVector).toBe(true);
      if (database.hasVector) {
        const d = await sql<{ d: number }>`select ('[1,2,3]'::vector <-> '[1,2,4]'::vector)::float8 as d`.execute(database.db);
        expect(d.rows[0]?.d).toBeCloseTo(1);
      }
    });

    describe('workspaces', () => {
      it('creates and finds a workspace by slug, by id and in the list', async () => {
        const ws = await repos.workspaces.create({ slug: slug('acme'), name: 'Acme' });
        expect(ws).toMatchObject({ name: 'Acme' });
        expect(ws.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
        expect(await repos.workspaces.getBySlug(ws.slug)).toEqual(ws);
        expect(await repos.workspaces.getById(ws.id)).toEqual(ws);
        expect(await repos.workspaces.list()).toContainEqual(ws);
        expect(await repos.workspaces.getById('not-a-uuid')).toBeUndefined();
        expect(await repos.workspaces.getById(randomUUID())).toBeUndefined();
      });

      it('a duplicate slug is NH_DB_CONFLICT naming the field, never a driver error', async () => {
        const s = slug('dup');
        await repos.workspaces.create({ slug: s, name: 'One' });
        const err = await codeOf(repos.workspaces.create({ slug: s, name: 'Two' }));
        expect(err.code).toBe('NH_DB_CONFLICT');
        expect(err.status).toBe(409);
        expect(err.details).toMatchObject({ table: 'workspaces', field: 'slug' });
        expect((await repos.workspaces.list()).filter((w) => w.slug === s)).toHaveLength(1);
      });

      it('creating with an owner writes both rows or neither', async () => {
        const user = await repos.users.create({ email: `${slug('owner')}@example.com`, name: 'Olive' });
        const ws = await repos.workspaces.create({ slug: slug('owned'), name: 'Owned', owner: { userId: user.id } });
        expect(await repos.members.roleOf(ws.id, user.id)).toBe('owner');
        expect(await repos.workspaces.listForUser(user.id)).toEqual([ws]);

        const orphan = slug('orphan');
        const err = await codeOf(repos.workspaces.create({ slug: orphan, name: 'Orphan', owner: { userId: randomUUID() } }));
        expect(err.code).toBe('NH_DB_REFERENCE_MISSING');
        expect(await repos.workspaces.getBySlug(orphan)).toBeUndefined();
      });
    });

    describe('users and members', () => {
      it('emails are unique regardless of case', async () => {
        const email = `${slug('Mixed')}@Example.COM`;
        const u = await repos.users.create({ email, passwordHash: 'h' });
        expect(u.email).toBe(email.toLowerCase());
        expect(await repos.users.getByEmail(email.toUpperCase())).toEqual(u);
        expect(await repos.users.getPasswordHash(u.id)).toBe('h');
        expect(u).not.toHaveProperty('passwordHash');
        const err = await codeOf(repos.users.create({ email: email.toUpperCase() }));
        expect(err.code).toBe('NH_DB_CONFLICT');
        expect(err.details).toMatchObject({ table: 'users', field: 'email' });
      });

      it('adds, lists, re-roles and removes members', async () => {
        const ws = await repos.workspaces.create({ slug: slug('team'), name: 'Team' });
        const [a, b] = await Promise.all([
          repos.users.create({ email: `${slug('a')}@example.com` }),
          repos.users.create({ email: `${slug('b')}@example.com` }),
        ]);
        await repos.members.add(ws.id, a.id, 'admin');
        await repos.members.add(ws.id, b.id, 'viewer');
        expect((await repos.members.list(ws.id)).map((m) => [m.userId, m.role]).sort()).toEqual(
          [
            [a.id, 'admin'],
            [b.id, 'viewer'],
          ].sort(),
        );
        expect((await codeOf(repos.members.add(ws.id, a.id, 'member'))).code).toBe('NH_DB_CONFLICT');
        expect((await codeOf(repos.members.add(ws.id, randomUUID(), 'member'))).code).toBe('NH_DB_REFERENCE_MISSING');
        expect((await codeOf(repos.members.add(ws.id, 'local-operator', 'member'))).code).toBe('NH_DB_REFERENCE_MISSING');
        expect(await repos.members.setRole(ws.id, b.id, 'member')).toMatchObject({ role: 'member' });
        expect(await repos.members.roleOf(ws.id, b.id)).toBe('member');
        expect(await repos.members.roleOf(ws.id, 'local-operator')).toBeUndefined();
        expect(await repos.members.remove(ws.id, b.id)).toBe(true);
        expect(await repos.members.remove(ws.id, b.id)).toBe(false);
        expect(await repos.members.roleOf(ws.id, b.id)).toBeUndefined();
      });

      it('lists the members with their names and e-mails in one query, however many there are', async () => {
        const ws = await repos.workspaces.create({ slug: slug('people'), name: 'People' });
        const users = await Promise.all(
          [0, 1, 2, 3].map((i) => repos.users.create({ email: `${slug(`p${i}`)}@example.com`, name: `Person ${i}` })),
        );
        for (const [i, u] of users.entries()) await repos.members.add(ws.id, u.id, i === 0 ? 'owner' : 'member');
        let queries = 0;
        const counted = createRepositories(
          database.db.withPlugin({
            transformQuery: (args) => {
              queries++;
              return args.node;
            },
            transformResult: async (args) => args.result,
          }),
        );
        const listed = await counted.members.listWithUsers(ws.id);
        expect(queries).toBe(1);
        // In join order as `list` gives it (two joins in one clock tick tie-break on user id, not insertion).
        const order = (await repos.members.list(ws.id)).map((m) => m.userId);
        expect(order).toHaveLength(users.length);
        const expected = order.map((id) => users.findIndex((u) => u.id === id));
        expect(listed.map((m) => [m.userId, m.email, m.name, m.role])).toEqual(
          expected.map((i) => [users[i]?.id, users[i]?.email, `Person ${i}`, i === 0 ? 'owner' : 'member']),
        );
        expect(await repos.members.listWithUsers(randomUUID())).toEqual([]);
      });
    });

    describe('plugins, secrets and tool calls', () => {
      it('stores config as JSON exactly (nested objects, arrays, unicode, numbers)', async () => {
        const ws = await repos.workspaces.create({ slug: slug('cfg'), name: 'Cfg' });
        const config = {
          channels: ['email', 'social'],
          limits: { daily: 5, ratio: 0.25 },
          title: 'Été — 春',
          empty: [],
          flag: false,
          none: null,
        };
        const { plugin, wasEnabled } = await repos.workspacePlugins.enable(ws.id, 'agent-email', config);
        expect(wasEnabled).toBe(false);
        expect(plugin).toMatchObject({ workspaceId: ws.id, pluginId: 'agent-email', enabled: true, config });
        expect((await repos.workspacePlugins.get(ws.id, 'agent-email'))?.config).toEqual(config);
        expect((await repos.workspacePlugins.enable(ws.id, 'agent-email')).wasEnabled).toBe(true);
        expect((await repos.workspacePlugins.get(ws.id, 'agent-email'))?.config).toEqual(config);
        const off = await repos.workspacePlugins.disable(ws.id, 'agent-email');
        expect(off).toMatchObject({ wasEnabled: true, plugin: { enabled: false, config } });
        expect(await repos.workspacePlugins.disable(ws.id, 'never-set-up')).toBeUndefined();
        const configured = await repos.workspacePlugins.setConfig(ws.id, 'agent-seo', { depth: 2 });
        expect(configured.plugin).toMatchObject({ enabled: false, config: { depth: 2 } });
        expect(await repos.workspacePlugins.listEnabled(ws.id)).toEqual([]);
        expect((await repos.workspacePlugins.list(ws.id)).map((p) => p.pluginId)).toEqual(['agent-email', 'agent-seo']);
      });

      it('secrets round-trip their bytes and replace on put', async () => {
        const ws = await repos.workspaces.create({ slug: slug('sec'), name: 'Sec' });
        const bytes = Buffer.from([0, 1, 2, 254, 255]);
        await repos.secrets.put(ws.id, 'connector-email', 'API_KEY', {
          ciphertext: bytes,
          iv: Buffer.alloc(12, 1),
          tag: Buffer.alloc(16, 2),
          keyId: 'k1',
        });
        const got = await repos.secrets.get(ws.id, 'connector-email', 'API_KEY');
        expect(got?.ciphertext.equals(bytes)).toBe(true);
        expect(got?.iv.equals(Buffer.alloc(12, 1))).toBe(true);
        expect(got?.tag.equals(Buffer.alloc(16, 2))).toBe(true);
        expect(got?.keyId).toBe('k1');
        await repos.secrets.put(ws.id, 'connector-email', 'API_KEY', sealed('second'));
        expect((await repos.secrets.get(ws.id, 'connector-email', 'API_KEY'))?.ciphertext.toString()).toBe('second');
        expect(await repos.secrets.listNames(ws.id)).toEqual([
          { pluginId: 'connector-email', name: 'API_KEY', updatedAt: expect.any(String) },
        ]);
        expect(await repos.secrets.delete(ws.id, 'connector-email', 'API_KEY')).toBe(true);
        expect(await repos.secrets.get(ws.id, 'connector-email', 'API_KEY')).toBeUndefined();
      });

      it('tool calls are recorded once per callId, batches are all-or-none, listed newest first', async () => {
        const ws = await repos.workspaces.create({ slug: slug('calls'), name: 'Calls' });
        const call = (i: number, extra = {}) => ({
          callId: `c-${ws.id}-${i}`,
          pluginId: 'agent-seo',
          tool: 'analyze_page',
          actor: { type: 'user' as const, id: 'u1' },
          status: 'ok' as const,
          durationMs: 12.6,
          createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
          ...extra,
        });
        expect(await repos.toolCalls.record(ws.id, call(1))).toBe(true);
        expect(await repos.toolCalls.record(ws.id, call(1))).toBe(false);
        expect(
          await repos.toolCalls.recordBatch(
            [2, 3].map((i) => ({ workspaceId: ws.id, call: call(i, { status: 'error', errorCode: 'NH_TOOL_TIMEOUT' }) })),
          ),
        ).toBe(2);
        expect(await repos.toolCalls.recordBatch([1, 2, 4].map((i) => ({ workspaceId: ws.id, call: call(i) })))).toBe(1);

        const err = await codeOf(
          repos.toolCalls.recordBatch([
            { workspaceId: ws.id, call: call(5) },
            { workspaceId: randomUUID(), call: call(6) },
          ]),
        );
        expect(err.code).toBe('NH_DB_REFERENCE_MISSING');
        expect(await repos.toolCalls.getByCallId(ws.id, call(5).callId)).toBeUndefined();

        const recent = await repos.toolCalls.listRecent(ws.id, { limit: 3 });
        expect(recent.map((r) => r.callId)).toEqual([4, 3, 2].map((i) => call(i).callId));
        expect(recent[1]).toMatchObject({
          status: 'error',
          errorCode: 'NH_TOOL_TIMEOUT',
          durationMs: 13,
          actor: { type: 'user', id: 'u1' },
          workspaceId: ws.id,
        });
        expect(await repos.toolCalls.listRecent(ws.id, { pluginId: 'other' })).toEqual([]);
      });
    });

    it('plugin records: insertAll writes every record or none (a group commit), seq in the given order', async () => {
      const ws = await repos.workspaces.create({ slug: slug('records'), name: 'Records' });
      const r = repos.pluginRecords;
      const batch = (from: number, to: number) =>
        Array.from({ length: to - from + 1 }, (_, i) => ({ key: String(from + i).padStart(4, '0'), value: { n: from + i } }));
      expect(await r.insertAll(ws.id, 'p', 'log', batch(1, 3))).toBe(true);
      // 3 is taken: nothing of 3..5 is written, not even 4 and 5
      expect(await r.insertAll(ws.id, 'p', 'log', batch(3, 5))).toBe(false);
      expect(await r.get(ws.id, 'p', 'log', '0004')).toBeUndefined();
      expect(await r.insertAll(ws.id, 'p', 'log', batch(4, 5))).toBe(true);
      const rows = await r.list(ws.id, 'p', 'log', { order: 'seq' });
      expect(rows.map((x) => x.value)).toEqual([1, 2, 3, 4, 5].map((n) => ({ n })));
      expect(await r.insertAll(ws.id, 'p', 'log', [])).toBe(true);
      // another plugin's or workspace's same keys are not a conflict
      expect(await r.insertAll(ws.id, 'q', 'log', batch(1, 2))).toBe(true);
    });

    it('plugin records: insertAll puts a record in another collection beside the group, all-or-none; deleteBefore prunes by key', async () => {
      const ws = await repos.workspaces.create({ slug: slug('records-heads'), name: 'Records' });
      const r = repos.pluginRecords;
      const group = (from: number, to: number) => [
        ...Array.from({ length: to - from + 1 }, (_, i) => ({ key: String(from + i).padStart(4, '0'), value: { n: from + i } })),
        { collection: 'heads', key: String(to).padStart(4, '0'), value: { seq: to } },
      ];
      expect(await r.insertAll(ws.id, 'p', 'log', group(1, 3))).toBe(true);
      expect(await r.insertAll(ws.id, 'p', 'log', group(4, 5))).toBe(true);
      // a key of the group taken: its head row is not written either
      expect(await r.insertAll(ws.id, 'p', 'log', group(5, 6))).toBe(false);
      // the head row's key taken (another writer's group ended there): nothing of the group is written
      expect(
        await r.insertAll(ws.id, 'p', 'log', [
          { key: '0006', value: { n: 6 } },
          { collection: 'heads', key: '0005', value: {} },
        ]),
      ).toBe(false);
      expect(await r.get(ws.id, 'p', 'log', '0006')).toBeUndefined();
      expect((await r.list(ws.id, 'p', 'log')).map((x) => x.key)).toEqual(['0001', '0002', '0003', '0004', '0005']);
      expect((await r.list(ws.id, 'p', 'heads')).map((x) => x.value)).toEqual([{ seq: 3 }, { seq: 5 }]);
      expect(await r.insertAll(ws.id, 'p', 'log', group(6, 6))).toBe(true);
      expect(await r.insertAll(ws.id, 'q', 'heads', [{ key: '0001', value: {} }])).toBe(true);
      expect(await r.deleteBefore(ws.id, 'p', 'heads', '0006')).toBe(2);
      expect((await r.list(ws.id, 'p', 'heads')).map((x) => x.value)).toEqual([{ seq: 6 }]);
      // only that plugin's collection: the entries and another plugin's rows stay
      expect(await r.count(ws.id, 'p', 'log')).toBe(6);
      expect(await r.count(ws.id, 'q', 'heads')).toBe(1);
    });

    it('plugin records: a group insert stores each value as JSON exactly, whatever its type (one jsonb parameter)', async () => {
      const ws = await repos.workspaces.create({ slug: slug('records-json'), name: 'Records' });
      const r = repos.pluginRecords;
      const values = [
        null,
        'Été — 春 "quoted" \\ back',
        0.25,
        -7,
        false,
        [],
        [1, [2, { a: null }]],
        { nested: { key: 'value', n: 1e21 } },
        {},
      ];
      const records = values.map((value, i) => ({ key: `k-${i}-ключ`, value }));
      expect(await r.insertAll(ws.id, 'p', 'json', records.slice(0, 5))).toBe(true);
      // a record naming another collection (a log's head row) goes in with them as JSON too
      const head = { collection: 'meta', key: 'head', value: { value: 'key', n: [1] } };
      expect(await r.insertAll(ws.id, 'p', 'json', [...records.slice(5), head])).toBe(true);
      const stored = await r.list(ws.id, 'p', 'json', { order: 'seq' });
      expect(stored.map((x) => [x.key, x.value])).toEqual(records.map((x) => [x.key, x.value]));
      expect((await r.get(ws.id, 'p', 'meta', 'head'))?.value).toEqual(head.value);
    });

    it('plugin records: a write with a notification sends it in the same statement, only when a row changed', async () => {
      if (!database.listen) return; // PGlite: one process, nothing to tell
      const ws = await repos.workspaces.create({ slug: slug('records-notify'), name: 'Records' });
      const r = repos.pluginRecords;
      const heard: string[] = [];
      const stop = await database.listen('nh_test_records', { message: (p) => heard.push(p), reset: () => {} });
      try {
        const notify = (payload: string) => ({ channel: 'nh_test_records', payload });
        expect(await r.put(ws.id, 'p', 'c', 'k', { a: 1 }, notify('put'))).toBe(1);
        expect(await r.putIf(ws.id, 'p', 'c', 'k', { a: 2 }, 1, notify('putIf'))).toBe(2);
        expect(await r.putIf(ws.id, 'p', 'c', 'k', { a: 3 }, 1, notify('stale putIf'))).toBeNull();
        expect(await r.putIf(ws.id, 'p', 'c', 'new', { a: 1 }, 0, notify('create'))).toBe(1);
        expect(await r.delete(ws.id, 'p', 'c', 'k', notify('delete'))).toBe(true);
        expect(await r.delete(ws.id, 'p', 'c', 'k', notify('delete again'))).toBe(false);
        const until = Date.now() + 5000;
        while (heard.length < 4 && Date.now() < until) await new Promise((res) => setTimeout(res, 10));
        await new Promise((res) => setTimeout(res, 100)); // anything sent for a write that changed nothing would show up now
        expect(heard).toEqual(['put', 'putIf', 'create', 'delete']);
        expect(await r.get(ws.id, 'p', 'c', 'new')).toMatchObject({ value: { a: 1 }, version: 1 });
      } finally {
        await stop();
      }
    });

    it('plugin records: a write tells whether its collection is marked as read cached; marking waits for writes in flight', async () => {
      const r = repos.pluginRecords;
      const c = `cached-${randomUUID()}`;
      await r.markCached('p', `${c}-pglite-too`); // the mark exists on both dialects (migration 0035)
      if (!database.listen) return; // PGlite: one host, writers wait for no one
      const ws = await repos.workspaces.create({ slug: slug('records-cached'), name: 'Records' });
      const told: boolean[] = [];
      const notify = (collection: string) => ({
        channel: 'nh_test_cached',
        payload: 'x',
        cachedBy: { pluginId: 'p', collection, told: (cached: boolean) => void told.push(cached) },
      });
      await r.put(ws.id, 'p', c, 'k', 1, notify(c));
      await r.markCached('p', c);
      await r.markCached('p', c); // again: nothing changes
      await r.put(ws.id, 'p', c, 'k', 2, notify(c));
      expect(await r.putIf(ws.id, 'p', c, 'k', 3, 2, notify(c))).toBe(3);
      expect(await r.putIf(ws.id, 'p', c, 'k', 4, 2, notify(c))).toBeNull(); // nothing written: not told
      await r.put(ws.id, 'q', c, 'k', 1, { ...notify(c), cachedBy: { ...notify(c).cachedBy, pluginId: 'q' } });
      expect(await r.delete(ws.id, 'p', c, 'k', notify(c))).toBe(true);
      expect(told).toEqual([false, true, true, false, true]);

      // a mark committing while a write runs: the write's check waits for it and sees it (not its own older snapshot)
      const c2 = `${c}-racing`;
      const waitingOnLock = async (text: string) => {
        const until = Date.now() + 10_000;
        for (;;) {
          const rows = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
            where wait_event_type = 'Lock' and query like ${`%${text}%`} and pid <> pg_backend_pid()`.execute(database.db);
          if (rows.rows[0]!.n > 0) return;
          if (Date.now() > until) {
            const all = await sql`select pid, state, wait_event_type, wait_event, left(query, 120) as q from pg_stat_activity
              where datname = current_database()`.execute(database.db);
            throw new Error(`nothing waits on ${text}: ${JSON.stringify(all.rows)}`);
          }
          await new Promise((res) => setTimeout(res, 10));
        }
      };
      let release!: () => void;
      const hold = new Promise<void>((res) => {
        release = res;
      });
      let marked!: () => void;
      const inMark = new Promise<void>((res) => {
        marked = res;
      });
      const markTx = database.db.transaction().execute(async (trx) => {
        await sql`select nh_mark_cached(${'p'}, ${c2})`.execute(trx);
        marked();
        await hold;
      });
      await inMark;
      told.length = 0;
      const write = r.put(ws.id, 'p', c2, 'k', 1, notify(c2));
      await waitingOnLock('nh_is_cached').finally(release);
      await markTx;
      await write;
      expect(told).toEqual([true]);

      // and a write in flight holds a mark back until it commits (the marking host's first read then sees it)
      const c3 = `${c}-held`;
      let releaseWrite!: () => void;
      const holdWrite = new Promise<void>((res) => {
        releaseWrite = res;
      });
      let checked!: () => void;
      const inWrite = new Promise<void>((res) => {
        checked = res;
      });
      const writeTx = database.db.transaction().execute(async (trx) => {
        await sql`select nh_is_cached(${'p'}, ${c3})`.execute(trx);
        checked();
        await holdWrite;
      });
      await inWrite; // the write holds its shared lock before the mark asks for the exclusive one
      let markDone = false;
      const mark = r.markCached('p', c3).then(() => {
        markDone = true;
      });
      await waitingOnLock('nh_mark_cached').catch((err) => {
        releaseWrite();
        throw err;
      });
      expect(markDone).toBe(false);
      releaseWrite();
      await writeTx;
      await mark;
      expect(markDone).toBe(true);
    });

    it('no repository function returns workspace A rows for workspace B', async () => {
      const [a, b] = await Promise.all([
        repos.workspaces.create({ slug: slug('iso-a'), name: 'A' }),
        repos.workspaces.create({ slug: slug('iso-b'), name: 'B' }),
      ]);
      const user = await repos.users.create({ email: `${slug('iso')}@example.com` });
      await repos.members.add(a.id, user.id, 'owner');
      await repos.workspacePlugins.enable(a.id, 'agent-seo', { k: 1 });
      await repos.secrets.put(a.id, 'agent-seo', 'TOKEN', sealed('a-only'));
      await repos.toolCalls.record(a.id, {
        callId: `iso-${a.id}`,
        pluginId: 'agent-seo',
        tool: 't',
        actor: { type: 'system', id: 'x' },
        status: 'ok',
      });

      // A sees its rows ...
      expect(await repos.members.list(a.id)).toHaveLength(1);
      expect(await repos.workspacePlugins.listEnabled(a.id)).toHaveLength(1);
      expect(await repos.secrets.listNames(a.id)).toHaveLength(1);
      expect(await repos.toolCalls.listRecent(a.id)).toHaveLength(1);
      // ... B sees none of them, through every read ...
      expect(await repos.members.list(b.id)).toEqual([]);
      expect(await repos.members.roleOf(b.id, user.id)).toBeUndefined();
      expect(await repos.workspaces.listForUser(user.id)).toEqual([a]);
      expect(await repos.workspacePlugins.get(b.id, 'agent-seo')).toBeUndefined();
      expect(await repos.workspacePlugins.list(b.id)).toEqual([]);
      expect(await repos.workspacePlugins.listEnabled(b.id)).toEqual([]);
      expect(await repos.secrets.get(b.id, 'agent-seo', 'TOKEN')).toBeUndefined();
      expect(await repos.secrets.listNames(b.id)).toEqual([]);
      expect(await repos.secrets.listNames(b.id, 'agent-seo')).toEqual([]);
      expect(await repos.toolCalls.listRecent(b.id)).toEqual([]);
      expect(await repos.toolCalls.getByCallId(b.id, `iso-${a.id}`)).toBeUndefined();
      // ... and B's writes do not touch A's rows.
      expect(await repos.members.setRole(b.id, user.id, 'viewer')).toBeUndefined();
      expect(await repos.members.remove(b.id, user.id)).toBe(false);
      expect(await repos.workspacePlugins.disable(b.id, 'agent-seo')).toBeUndefined();
      expect(await repos.secrets.delete(b.id, 'agent-seo', 'TOKEN')).toBe(false);
      await repos.workspacePlugins.setConfig(b.id, 'agent-seo', { k: 2 });
      await repos.secrets.put(b.id, 'agent-seo', 'TOKEN', sealed('b-only'));

      expect(await repos.members.roleOf(a.id, user.id)).toBe('owner');
      expect(await repos.workspacePlugins.get(a.id, 'agent-seo')).toMatchObject({ enabled: true, config: { k: 1 } });
      expect(await repos.workspacePlugins.get(b.id, 'agent-seo')).toMatchObject({ enabled: false, config: { k: 2 } });
      expect((await repos.secrets.get(a.id, 'agent-seo', 'TOKEN'))?.ciphertext.toString()).toBe('a-only');
      expect((await repos.secrets.get(b.id, 'agent-seo', 'TOKEN'))?.ciphertext.toString()).toBe('b-only');
    });

    it('serializes concurrent queries and transactions on one handle (a failed transaction leaves nothing)', async () => {
      const ws = await repos.workspaces.create({ slug: slug('conc'), name: 'Concurrent' });
      const plugins = Array.from({ length: 12 }, (_, i) => `plugin-${i}`);
      const failing = database.db.transaction().execute(async (trx) => {
        await createRepositories(trx).workspacePlugins.enable(ws.id, 'rolled-back', {});
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('boom');
      });
      const results = await Promise.allSettled([
        failing,
        ...plugins.map((p, i) => repos.workspacePlugins.enable(ws.id, p, { i })),
        ...plugins.map(() => repos.workspaces.getById(ws.id)),
        ...plugins.map((p) => sql`select pg_sleep(0.001), ${p}::text as p`.execute(database.db)),
      ]);
      expect(results[0]).toMatchObject({ status: 'rejected', reason: { message: 'boom' } });
      expect(results.slice(1).every((r) => r.status === 'fulfilled')).toBe(true);
      const enabled = await repos.workspacePlugins.listEnabled(ws.id);
      expect(enabled.map((p) => p.pluginId).sort()).toEqual([...plugins].sort());
      expect(enabled.find((p) => p.pluginId === 'plugin-3')?.config).toEqual({ i: 3 });
      expect(await repos.workspacePlugins.get(ws.id, 'rolled-back')).toBeUndefined();
    });

    it('keeps its data across close and reopen', async () => {
      const ws = await repos.workspaces.create({ slug: slug('persist'), name: 'Persist' });
      await repos.workspacePlugins.enable(ws.id, 'agent-seo', { keep: true });
      await database.close();
      database = await dialect.reopen();
      repos = createRepositories(database.db);
      expect(await migrate(database.db)).toEqual({ applied: [] });
      expect(await repos.workspaces.getBySlug(ws.slug)).toEqual(ws);
      expect(await repos.workspacePlugins.get(ws.id, 'agent-seo')).toMatchObject({ enabled: true, config: { keep: true } });
    });
  });
}

describe('an unreachable PostgreSQL', () => {
  it('is NH_DB_UNAVAILABLE with the password kept out of the message', async () => {
    const err = await codeOf(createDatabase({ databaseUrl: 'postgres://nh:hunter2@127.0.0.1:1/nowhere', connectTimeoutSeconds: 2 }));
    expect(err.code).toBe('NH_DB_UNAVAILABLE');
    expect(err.category).toBe('transient');
    expect(err.message).toContain('127.0.0.1:1');
    expect(err.message).not.toContain('hunter2');
  });
});
