import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Cached plugin records kept fresh on every host (docs/data.md, "Several hosts: cached records"):
 * - `host_leases`: each host on PostgreSQL renews a row (its id, until when it may trust its record cache) through its
 *   LISTEN connection; a writer of a cached record waits for an acknowledgement from every host whose lease is live.
 * - `cached_collections`: the (plugin, collection) pairs some host has read with `cached: true`; only writes to them
 *   wait. A host marks a pair (once per process) before its first cached read of it.
 * - `nh_mark_cached` / `nh_is_cached`: the mark and the check, under an advisory lock on the pair (exclusive to
 *   mark, shared to check), the check on a snapshot taken after the lock: a write whose check did not see a mark
 *   committed before the marking host's first read, so that read saw the write.
 */
export const recordFreshness: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('host_leases')
      .addColumn('host_id', 'text', (c) => c.primaryKey())
      .addColumn('lease_until', 'timestamptz', (c) => c.notNull())
      .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema
      .createTable('cached_collections')
      .addColumn('plugin_id', 'text', (c) => c.notNull())
      .addColumn('collection', 'text', (c) => c.notNull())
      .addColumn('marked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('cached_collections_pkey', ['plugin_id', 'collection'])
      .execute();
    await sql`create function nh_mark_cached(p_plugin text, p_collection text) returns void
      language plpgsql volatile as $$
      begin
        perform pg_advisory_xact_lock(hashtext(p_plugin || chr(31) || p_collection));
        insert into cached_collections (plugin_id, collection) values (p_plugin, p_collection) on conflict do nothing;
      end $$`.execute(db);
    await sql`create function nh_is_cached(p_plugin text, p_collection text) returns boolean
      language plpgsql volatile as $$
      begin
        perform pg_advisory_xact_lock_shared(hashtext(p_plugin || chr(31) || p_collection));
        return exists (select 1 from cached_collections where plugin_id = p_plugin and collection = p_collection);
      end $$`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop function if exists nh_is_cached(text, text)`.execute(db);
    await sql`drop function if exists nh_mark_cached(text, text)`.execute(db);
    await db.schema.dropTable('cached_collections').execute();
    await db.schema.dropTable('host_leases').execute();
  },
};
