/**
 * `bench/trust/run.ts --sql-micro`: the statement shapes an audit group commit can take, timed side by side on
 * file-backed PGlite and (when a URL is given) PostgreSQL — one entry per group, as when calls are sequential. Each
 * shape runs in its own fresh workspace of one database, interleaved in blocks so load swings hit all alike; CPU µs
 * per statement is this process's, the least and the median of the blocks' (the least is the one a busy machine
 * inflates least; PGlite's whole work, on PostgreSQL only the client's).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Database, migrate, pluginRecordsRepository, sql } from '../../core/db/src/index.js';
import { percentile } from '../stats.js';

const PLUGIN = 'data-trust';
const hex = () => randomBytes(32).toString('hex');
/** An entry as data-trust writes it for a tool call (~0.5 kB of JSON). */
const entry = (seq: number) => ({
  seq,
  prevHash: hex(),
  at: new Date().toISOString(),
  kind: 'tool_call',
  data: { tool: 'rt-basic:noop', actor: { type: 'user', id: 'bench' }, status: 'ok', inputHash: hex(), outputHash: hex(), ms: 0.2 },
  hash: hex(),
});
/** The head hint with a Merkle compact range of `roots` roots (one per set bit of the tree size). */
const head = (seq: number, roots = 10) => ({ seq, hash: hex(), merkle: { size: seq, roots: Array.from({ length: roots }, hex) } });
const key = (seq: number) => String(seq).padStart(16, '0');

type Shape = { name: string; run(ws: string, seq: number, hintVersion: number): Promise<number> };

function shapes(d: Database): Shape[] {
  const repo = pluginRecordsRepository(d.db);
  const insertOne = (ws: string, seq: number) =>
    sql`insert into plugin_records (workspace_id, plugin_id, collection, key, value)
        values (${ws}::uuid, ${PLUGIN}, 'audit-entries', ${key(seq)}, ${JSON.stringify(entry(seq))}::jsonb)`.execute(d.db);
  const updateHead = (ws: string, seq: number, v: number, roots = 10) =>
    sql<{
      version: number;
    }>`update plugin_records set value = ${JSON.stringify(head(seq, roots))}::jsonb, version = version + 1, updated_at = now()
        where workspace_id = ${ws}::uuid and plugin_id = ${PLUGIN} and collection = 'meta' and key = 'head' and version = ${v}
        returning version`.execute(d.db);
  const group = (seq: number, size: number) =>
    Array.from({ length: size }, (_, i) => ({ key: key(seq * size + i), value: entry(seq * size + i) }));
  /** The shape the 0.2 statement replaced: a values list, count(*) of the insert and the head's version selected. */
  const countCte = async (ws: string, seq: number, size: number, v: number, roots = 10) => {
    const rows = sql.join(
      group(seq, size).map((r) => sql`(${ws}::uuid, ${PLUGIN}, 'audit-entries', ${r.key}, ${JSON.stringify(r.value)}::jsonb)`),
    );
    const r = await sql<{ version: number }>`
      with ins as (insert into plugin_records (workspace_id, plugin_id, collection, key, value) values ${rows} returning 1),
      moved as (update plugin_records set value = ${JSON.stringify(head(seq, roots))}::jsonb, version = version + 1, updated_at = now()
        where workspace_id = ${ws}::uuid and plugin_id = ${PLUGIN} and collection = 'meta' and key = 'head' and version = ${v} returning version)
      select (select count(*) from ins) as n, (select version from moved) as version`.execute(d.db);
    return r.rows[0]!.version;
  };
  /**
   * The statement data-trust 0.2 committed a group with (the store's `insertAllAndPutIf`, removed with host API
   * 0.2.0): the insert a data-modifying CTE beside a compare-and-set of the one head record. Kept here, as raw SQL, to
   * compare with what data-trust does now.
   */
  const cteMove = async (ws: string, seq: number, size: number, v: number) => {
    const rows = sql.join(
      group(seq, size).map((r) => sql`(${ws}::uuid, ${PLUGIN}, 'audit-entries', ${r.key}, ${JSON.stringify(r.value)}::jsonb)`),
    );
    const r = await sql<{ version: number }>`
      with ins as (insert into plugin_records (workspace_id, plugin_id, collection, key, value) values ${rows})
      update plugin_records set value = ${JSON.stringify(head(seq))}::jsonb, version = version + 1, updated_at = now()
        where workspace_id = ${ws}::uuid and plugin_id = ${PLUGIN} and collection = 'meta' and key = 'head' and version = ${v}
        returning version`.execute(d.db);
    return r.rows[0]!.version;
  };
  /** Insert-only head (data-trust 0.3): the group's entries and a head row of their own (key = the last seq) in ONE insert. */
  const headRow = (seq: number, size: number, roots = 10) => ({
    collection: 'audit-heads',
    key: key(seq * size + size - 1),
    value: head(seq, roots),
  });
  const insertOnly = async (ws: string, seq: number, size: number, roots = 10) => {
    if (!(await repo.insertAll(ws, PLUGIN, 'audit-entries', [...group(seq, size), headRow(seq, size, roots)]))) throw new Error('conflict');
    return 0;
  };
  /**
   * What data-trust does now (log.ts): `insertAll` of the entries and a head row per group, and once in 256 groups
   * `deleteBefore` of the older head rows (its cost spread over the 256).
   */
  const dataTrustNow = async (ws: string, seq: number) => {
    await insertOnly(ws, seq, 1);
    if (seq % 256 === 0) await repo.deleteBefore(ws, PLUGIN, 'audit-heads', key(seq));
    return 0;
  };
  /** The same with every older head row deleted in the same statement (data-trust prunes every 256 groups instead). */
  const insertAndPrune = async (ws: string, seq: number) => {
    const rows = [...group(seq, 1), headRow(seq, 1)];
    await sql`with del as (delete from plugin_records where workspace_id = ${ws}::uuid and plugin_id = ${PLUGIN}
        and collection = 'audit-heads' and key < ${key(seq - 1)})
      insert into plugin_records (workspace_id, plugin_id, collection, key, value)
      select ${ws}::uuid, ${PLUGIN}, coalesce(r.value ->> 'collection', 'audit-entries'), r.value ->> 'key', r.value -> 'value'
      from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) with ordinality as r(value, n) order by r.n`.execute(d.db);
    return 0;
  };
  return [
    { name: 'select 1', run: async () => (await sql`select 1`.execute(d.db), 0) },
    { name: 'insert 1 entry', run: async (ws, seq) => (await insertOne(ws, seq), 0) },
    { name: 'update head alone', run: async (ws, seq, v) => (await updateHead(ws, seq, v)).rows[0]!.version },
    { name: 'insert + head: count(*) CTE (before)', run: (ws, seq, v) => countCte(ws, seq, 1, v) },
    { name: 'insert + head: count(*) CTE, no Merkle', run: (ws, seq, v) => countCte(ws, seq, 1, v, 0) },
    {
      name: 'insert + head: 2 statements, 1 transaction',
      run: (ws, seq, v) =>
        d.db.transaction().execute(async (tx) => {
          await sql`insert into plugin_records (workspace_id, plugin_id, collection, key, value)
            values (${ws}::uuid, ${PLUGIN}, 'audit-entries', ${key(seq)}, ${JSON.stringify(entry(seq))}::jsonb)`.execute(tx);
          const r = await sql<{ version: number }>`update plugin_records set value = ${JSON.stringify(head(seq))}::jsonb,
            version = version + 1, updated_at = now() where workspace_id = ${ws}::uuid and plugin_id = ${PLUGIN}
            and collection = 'meta' and key = 'head' and version = ${v} returning version`.execute(tx);
          return r.rows[0]!.version;
        }),
    },
    { name: 'insert + head: CTE + head update (0.2)', run: (ws, seq, v) => cteMove(ws, seq, 1, v) },
    { name: 'group of 16: count(*) CTE (before)', run: (ws, seq, v) => countCte(ws, seq, 16, v) },
    { name: 'group of 16: CTE + head update (0.2)', run: (ws, seq, v) => cteMove(ws, seq, 16, v) },
    { name: 'insert + head row: insertAll (now)', run: (ws, seq) => insertOnly(ws, seq, 1) },
    { name: 'data-trust now: + deleteBefore per 256', run: (ws, seq) => dataTrustNow(ws, seq) },
    { name: '... head row without its Merkle range', run: (ws, seq) => insertOnly(ws, seq, 1, 0) },
    { name: '... + delete older head rows, every group', run: (ws, seq) => insertAndPrune(ws, seq) },
    { name: 'group of 16: insertAll + head row (now)', run: (ws, seq) => insertOnly(ws, seq, 16) },
  ];
}

async function one(label: string, open: () => Promise<Database>, n: number) {
  const d = await open();
  try {
    await migrate(d.db);
    const list = shapes(d);
    const state = await Promise.all(
      list.map(async (_, i) => {
        const ws = (
          await sql<{ id: string }>`insert into workspaces (slug, name) values (${`m${i}-${Date.now()}`}, 'm') returning id`.execute(d.db)
        ).rows[0]!.id;
        await sql`insert into plugin_records (workspace_id, plugin_id, collection, key, value) values (${ws}::uuid, ${PLUGIN}, 'meta', 'head', ${JSON.stringify(head(0))}::jsonb)`.execute(
          d.db,
        );
        return { ws, seq: 0, version: 1, ms: [] as number[], cpu: [] as number[] };
      }),
    );
    const BLOCK = 50;
    for (let done = 0; done < n; done += BLOCK)
      for (let i = 0; i < list.length; i++) {
        const s = state[i]!;
        const c0 = process.cpuUsage();
        for (let k = 0; k < BLOCK; k++) {
          const t0 = performance.now();
          const v = await list[i]!.run(s.ws, ++s.seq, s.version);
          if (v) s.version = v;
          if (done >= BLOCK) s.ms.push(performance.now() - t0); // the first block warms up
        }
        const c = process.cpuUsage(c0);
        if (done >= BLOCK) s.cpu.push((c.user + c.system) / BLOCK);
      }
    console.log(`\n${label}: one-entry groups, ${n} sequential statements per shape (first ${BLOCK} not counted)`);
    console.log(
      `${'shape'.padEnd(44)} ${'p50 µs'.padStart(8)} ${'p99 µs'.padStart(8)} ${'CPU µs/op: min'.padStart(10)} ${'median'.padStart(10)} (of ${BLOCK}-statement blocks)`,
    );
    list.forEach((shape, i) => {
      const s = state[i]!;
      const sorted = s.ms.sort((a, b) => a - b);
      const f = (p: number) => (percentile(sorted, p) * 1000).toFixed(0).padStart(8);
      const cpu = s.cpu.sort((a, b) => a - b);
      console.log(
        `${shape.name.padEnd(44)} ${f(50)} ${f(99)} ${cpu[0]!.toFixed(0).padStart(10)} ${percentile(cpu, 50).toFixed(0).padStart(10)}`,
      );
    });
  } finally {
    await d.close();
  }
}

export async function sqlMicro(n: number, dbs: Set<string>, pgUrl: string | undefined): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'neonhub-sql-micro-'));
  try {
    if (dbs.has('pglite')) await one('PGlite (file-backed, this thread)', () => createDatabase({ dataDir: join(dir, 'a') }), n);
    if (dbs.has('pglite-thread'))
      await one('PGlite (file-backed, own thread)', () => createDatabase({ dataDir: join(dir, 'b'), pgliteThread: true }), n);
    if (pgUrl && dbs.has('postgres')) await one('PostgreSQL', () => createDatabase({ databaseUrl: pgUrl, maxConnections: 2 }), n);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
