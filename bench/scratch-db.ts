import { createDatabase, type Database } from '@neonhub/db';
import pg from 'pg';

/** The PostgreSQL server the benches use (as the tests do): NEONHUB_TEST_POSTGRES_URL, else the machine's own. */
export const benchPostgresUrl = () => process.env.NEONHUB_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** An in-memory PGlite database for `fn`, closed after it. */
export async function withPglite<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await createDatabase({ memory: true });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

/**
 * A scratch PostgreSQL database (`<prefix>_<pid>`) made for `fn` and dropped after it, even when `fn` throws, so a
 * bench leaves nothing behind on the server.
 */
export async function withScratchPostgres<T>(prefix: string, fn: (database: Database) => Promise<T>): Promise<T> {
  const base = benchPostgresUrl();
  const name = `${prefix}_${process.pid}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  try {
    const database = await createDatabase({ databaseUrl: url.toString() });
    try {
      return await fn(database);
    } finally {
      await database.close();
    }
  } finally {
    await admin.query(`drop database if exists ${name}`);
    await admin.end();
  }
}
