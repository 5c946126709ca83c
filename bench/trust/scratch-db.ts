import { createDatabase, sql } from '../../core/db/src/index.js';

const scratchName = `neonhub_bench_trust_${process.pid}`;

async function onAdmin(base: string, statement: string): Promise<void> {
  const admin = await createDatabase({ databaseUrl: base, maxConnections: 1 });
  try {
    await sql.raw(statement).execute(admin.db);
  } finally {
    await admin.close();
  }
}

/** A scratch database for one PostgreSQL measurement; dropped again by `dropDatabase` after it. */
export async function freshDatabase(base: string): Promise<string> {
  await onAdmin(base, `drop database if exists ${scratchName} with (force)`);
  await onAdmin(base, `create database ${scratchName}`);
  const url = new URL(base);
  url.pathname = `/${scratchName}`;
  return url.toString();
}

export const dropDatabase = (base: string) => onAdmin(base, `drop database if exists ${scratchName} with (force)`);
