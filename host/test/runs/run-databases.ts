import { randomBytes } from 'node:crypto';
import { createDatabase, type Database, migrate } from '@neonhub/db';
import { pgAdminQuery } from '../pg-admin.js';
import { migratedMemoryDatabase } from './shared-database.js';

/**
 * The databases a runs test runs on: PGlite (in memory) always, and a PostgreSQL server when
 * NEONHUB_TEST_POSTGRES_URL names one (a database of the test's own is created there, migrated, and dropped after).
 */
export interface RunDatabase {
  name: 'pglite' | 'postgres';
  open(): Promise<Database>;
  /** Closes what `open` returned and drops what it created. */
  close(): Promise<void>;
}

function pglite(): RunDatabase {
  let db: Database | undefined;
  return {
    name: 'pglite',
    async open() {
      db = await migratedMemoryDatabase();
      return db;
    },
    async close() {
      await db?.close();
    },
  };
}

function postgres(adminUrl: string): RunDatabase {
  const name = `nh_runs_${process.pid}_${randomBytes(4).toString('hex')}`;
  let db: Database | undefined;
  return {
    name: 'postgres',
    async open() {
      await pgAdminQuery(adminUrl, `create database ${name}`);
      const u = new URL(adminUrl);
      u.pathname = `/${name}`;
      db = await createDatabase({ databaseUrl: u.toString() });
      await migrate(db.db);
      return db;
    },
    async close() {
      await db?.close();
      await pgAdminQuery(adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

export function runDatabases(): RunDatabase[] {
  const url = process.env.NEONHUB_TEST_POSTGRES_URL;
  return url ? [pglite(), postgres(url)] : [pglite()];
}
