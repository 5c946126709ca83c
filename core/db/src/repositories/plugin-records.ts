import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB, PluginRecordsTable } from '../types.js';

export interface PluginRecord {
  key: string;
  value: unknown;
  version: number;
  seq: number;
  updatedAt: string;
}

export interface ListRecordsOptions {
  prefix?: string;
  limit?: number;
  after?: string | number;
  order?: 'key' | 'seq';
}

const toRecord = (row: Pick<Selectable<PluginRecordsTable>, 'key' | 'value' | 'version' | 'seq' | 'updated_at'>): PluginRecord => ({
  key: row.key,
  value: row.value,
  version: row.version,
  seq: Number(row.seq),
  updatedAt: new Date(row.updated_at as unknown as string).toISOString(),
});

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const MAX_LIMIT = 5000;

/** Tell other hosts a record changed: NOTIFY `channel` with `payload`, in the writing statement itself (sent on commit). */
export interface Notify {
  channel: string;
  payload: string;
  /**
   * Told, when a row changed, whether the (plugin, collection) is marked as read with `cached: true` by some host
   * (`nh_is_cached`, migration 0035: checked in the same statement, after the mark's lock), so the writer knows to
   * wait for the other hosts' acknowledgements.
   */
  cachedBy?: { pluginId: string; collection: string; told(cached: boolean): void };
}

/**
 * The write `write(qb)` (which returns `version` per row it changed) with a `pg_notify` folded into the same
 * statement: one round trip, and the notification is sent only when a row changed, when the write commits.
 */
function announced<Q extends SelectQueryBuilderLike>(db: Kysely<DB>, write: (qb: Kysely<DB>) => Q, notify: Notify) {
  const by = notify.cachedBy;
  const query = db
    .with('w', (qb) => write(qb as Kysely<DB>) as never)
    .selectFrom('w' as never)
    .select([
      sql<number>`version`.as('version'),
      sql<string>`pg_notify(${notify.channel}, ${notify.payload})`.as('notified'),
      (by ? sql<boolean>`nh_is_cached(${by.pluginId}, ${by.collection})` : sql<boolean>`false`).as('cached'),
    ]);
  return {
    async execute(): Promise<{ version: number }[]> {
      const rows = (await query.execute()) as { version: number; cached: boolean }[];
      if (rows.length > 0) by?.told(rows.some((r) => r.cached));
      return rows;
    },
    async executeTakeFirst(): Promise<{ version: number } | undefined> {
      return (await this.execute())[0];
    },
    async executeTakeFirstOrThrow(): Promise<{ version: number }> {
      const row = (await this.execute())[0];
      if (!row) throw new Error('the write returned no row');
      return row;
    },
  };
}
type SelectQueryBuilderLike = { execute(): Promise<{ version: number }[]> };

/**
 * Inserts `records` under one collection, the whole group passed as ONE jsonb parameter: the statement's text is the
 * same for every group size (PostgreSQL and PGlite parse ~5 fewer parameters per row, and no group nears the
 * protocol's 65,535-parameter limit). Rows are inserted, so get their seq, in the order given.
 */
function insertRows(
  workspaceId: string,
  pluginId: string,
  collection: string,
  records: ReadonlyArray<{ key: string; value: unknown; collection?: string }>,
) {
  const rows = JSON.stringify(records.map((r) => (r.collection === undefined ? { key: r.key, value: r.value } : r)));
  return sql`insert into plugin_records (workspace_id, plugin_id, collection, key, value)
    select ${workspaceId}::uuid, ${pluginId}, coalesce(r.value ->> 'collection', ${collection}), r.value ->> 'key', r.value -> 'value'
    from jsonb_array_elements(${rows}::jsonb) with ordinality as r(value, n)
    order by r.n`;
}

/**
 * Plugin stores (the SDK's ctx.store): JSON records per (workspace, plugin, collection). Every
 * function takes the workspace id and plugin id first; one plugin never sees another's records.
 */
export function pluginRecordsRepository(db: Kysely<DB>) {
  const scope = (workspaceId: string, pluginId: string, collection: string) =>
    db
      .selectFrom('plugin_records')
      .where('workspace_id', '=', workspaceId)
      .where('plugin_id', '=', pluginId)
      .where('collection', '=', collection);

  return {
    async get(workspaceId: string, pluginId: string, collection: string, key: string): Promise<PluginRecord | undefined> {
      const row = await scope(workspaceId, pluginId, collection)
        .select(['key', 'value', 'version', 'seq', 'updated_at'])
        .where('key', '=', key)
        .executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    async put(workspaceId: string, pluginId: string, collection: string, key: string, value: unknown, notify?: Notify): Promise<number> {
      const write = (qb: Kysely<DB>) =>
        qb
          .insertInto('plugin_records')
          .values({ workspace_id: workspaceId, plugin_id: pluginId, collection, key, value: JSON.stringify(value) })
          .onConflict((oc) =>
            oc.columns(['workspace_id', 'plugin_id', 'collection', 'key']).doUpdateSet({
              value: (eb) => eb.ref('excluded.value'),
              version: sql`plugin_records.version + 1`,
              updated_at: sql`now()`,
            }),
          )
          .returning('version');
      if (notify) return (await announced(db, write, notify).executeTakeFirstOrThrow()).version;
      return (await write(db).executeTakeFirstOrThrow()).version;
    },

    /** Compare-and-set on the version (0 = must not exist). Returns the new version or null. */
    async putIf(
      workspaceId: string,
      pluginId: string,
      collection: string,
      key: string,
      value: unknown,
      expectedVersion: number,
      notify?: Notify,
    ): Promise<number | null> {
      const write = (qb: Kysely<DB>) =>
        expectedVersion === 0
          ? qb
              .insertInto('plugin_records')
              .values({ workspace_id: workspaceId, plugin_id: pluginId, collection, key, value: JSON.stringify(value) })
              .onConflict((oc) => oc.doNothing())
              .returning('version')
          : qb
              .updateTable('plugin_records')
              .set({ value: JSON.stringify(value), version: sql`version + 1`, updated_at: sql`now()` })
              .where('workspace_id', '=', workspaceId)
              .where('plugin_id', '=', pluginId)
              .where('collection', '=', collection)
              .where('key', '=', key)
              .where('version', '=', expectedVersion)
              .returning('version');
      const row = notify ? await announced(db, write, notify).executeTakeFirst() : await write(db).executeTakeFirst();
      return row?.version ?? null;
    },

    async delete(workspaceId: string, pluginId: string, collection: string, key: string, notify?: Notify): Promise<boolean> {
      const write = (qb: Kysely<DB>) =>
        qb
          .deleteFrom('plugin_records')
          .where('workspace_id', '=', workspaceId)
          .where('plugin_id', '=', pluginId)
          .where('collection', '=', collection)
          .where('key', '=', key)
          .returning('version');
      const rows = notify ? await announced(db, write, notify).execute() : await write(db).execute();
      return rows.length > 0;
    },

    /**
     * Marks (plugin, collection) as read with `cached: true` (PostgreSQL, migration 0035): from then on, a write to
     * it tells its writer so (Notify.cachedBy). Waits for writes to it in flight: call before the first cached read.
     */
    async markCached(pluginId: string, collection: string): Promise<void> {
      await sql`select nh_mark_cached(${pluginId}, ${collection})`.execute(db);
    },

    /** Deletes every record of the collection whose key sorts before `key`, in one statement; returns how many. */
    async deleteBefore(workspaceId: string, pluginId: string, collection: string, key: string): Promise<number> {
      const result = await db
        .deleteFrom('plugin_records')
        .where('workspace_id', '=', workspaceId)
        .where('plugin_id', '=', pluginId)
        .where('collection', '=', collection)
        .where('key', '<', key)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async list(workspaceId: string, pluginId: string, collection: string, opts: ListRecordsOptions = {}): Promise<PluginRecord[]> {
      const bySeq = opts.order === 'seq';
      let q = scope(workspaceId, pluginId, collection).select(['key', 'value', 'version', 'seq', 'updated_at']);
      if (opts.prefix) q = q.where('key', 'like', `${escapeLike(opts.prefix)}%`);
      if (opts.after !== undefined) q = bySeq ? q.where('seq', '>', String(opts.after)) : q.where('key', '>', String(opts.after));
      const rows = await q
        .orderBy(bySeq ? 'seq' : 'key')
        .limit(Math.min(Math.max(opts.limit ?? 1000, 1), MAX_LIMIT))
        .execute();
      return rows.map(toRecord);
    },

    /**
     * Inserts every record or none, in one statement (one round trip): false, with nothing written, when any key
     * already exists. Rows get their seq in the order given; a record may name another `collection` than the
     * first argument. How an audit log commits a group of entries and the head row beside them.
     */
    async insertAll(
      workspaceId: string,
      pluginId: string,
      collection: string,
      records: ReadonlyArray<{ key: string; value: unknown; collection?: string }>,
    ): Promise<boolean> {
      if (records.length === 0) return true;
      try {
        await insertRows(workspaceId, pluginId, collection, records).execute(db);
        return true;
      } catch (err) {
        if ((err as { code?: string }).code === '23505') return false;
        throw err;
      }
    },

    /** Appends under a generated, seq-ordered key and returns the seq. */
    async append(workspaceId: string, pluginId: string, collection: string, value: unknown): Promise<number> {
      const { rows } = await sql<{ seq: string }>`
        with s as (select nextval(pg_get_serial_sequence('plugin_records', 'seq')) as n)
        insert into plugin_records (workspace_id, plugin_id, collection, key, value, seq)
        select ${workspaceId}::uuid, ${pluginId}, ${collection}, lpad(s.n::text, 16, '0'), ${JSON.stringify(value)}::jsonb, s.n from s
        returning seq`.execute(db);
      return Number(rows[0]!.seq);
    },

    async count(workspaceId: string, pluginId: string, collection: string): Promise<number> {
      const row = await scope(workspaceId, pluginId, collection)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type PluginRecordsRepository = ReturnType<typeof pluginRecordsRepository>;
