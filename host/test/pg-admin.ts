import { createDatabase, sql } from '@neonhub/db';

/**
 * Runs one statement (`CREATE DATABASE …`, `DROP DATABASE …`) on the test PostgreSQL server's admin database
 * (NEONHUB_TEST_POSTGRES_URL), over a connection of its own: tests that need a scratch database of their own make
 * and drop it with this.
 */
export async function pgAdminQuery(adminUrl: string, statement: string): Promise<void> {
  const a = await createDatabase({ databaseUrl: adminUrl, maxConnections: 1 });
  try {
    await sql.raw(statement).execute(a.db);
  } finally {
    await a.close();
  }
}
