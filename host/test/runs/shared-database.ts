import { createDatabase, type Database, MIGRATION_LOCK_TABLE, MIGRATION_TABLE, migrate, sql } from '@neonhub/db';

/** A migrated in-memory PGlite for one test file: a new one is seconds of initdb and migrations, too many per test. */
export async function migratedMemoryDatabase(): Promise<Database> {
  const database = await createDatabase({ memory: true });
  await migrate(database.db);
  return database;
}

/** Empties every table but the migrations' own: the next test starts from the freshly migrated state. */
export async function emptyTables(database: Database): Promise<void> {
  const tables = await sql<{ name: string }>`select quote_ident(tablename) as name from pg_tables where schemaname = 'public'
    and tablename not in (${MIGRATION_TABLE}, ${MIGRATION_LOCK_TABLE})`.execute(database.db);
  await sql`truncate ${sql.raw(tables.rows.map((t) => t.name).join(', '))} restart identity cascade`.execute(database.db);
}
