import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDatabase, type Database } from '../src/index.js';

/**
 * One way to get a database for the shared data-layer suite. PGlite is always there; PostgreSQL
 * joins when NEONHUB_TEST_POSTGRES_URL names a server (the fixture creates and drops its own
 * database there).
 */
export interface DialectFixture {
  name: 'pglite' | 'pglite-thread' | 'postgres';
  /** Opens the suite's database (created on first call). */
  open(): Promise<Database>;
  /** Opens the same database again (after the previous handle was closed). */
  reopen(): Promise<Database>;
  /** A new, empty database and two handles on it (one shared handle on PGlite: it is one connection). */
  fresh(): Promise<{ a: Database; b: Database; dispose(): Promise<void> }>;
  teardown(): Promise<void>;
}

/** PGlite on this thread, or on a worker thread of its own (`pgliteThread`, the host's NEONHUB_PGLITE_THREAD). */
function pgliteFixture(pgliteThread = false): DialectFixture {
  let dir: string | undefined;
  return {
    name: pgliteThread ? 'pglite-thread' : 'pglite',
    async open() {
      dir ??= await mkdtemp(join(tmpdir(), 'neonhub-db-test-'));
      return createDatabase({ dataDir: dir, pgliteThread });
    },
    async reopen() {
      if (!dir) throw new Error('open() first');
      return createDatabase({ dataDir: dir, pgliteThread });
    },
    async fresh() {
      const db = await createDatabase({ memory: true, pgliteThread, template: 'initdb' }); // empty: the migrations' tests run them
      return { a: db, b: db, dispose: () => db.close() };
    },
    async teardown() {
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

function postgresFixture(adminUrl: string): DialectFixture {
  const created: string[] = [];
  const urlFor = (name: string) => {
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    return u.toString();
  };
  async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }
  async function createDb(): Promise<string> {
    const name = `nh_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await admin((c) => c.query(`CREATE DATABASE ${name}`));
    created.push(name);
    return name;
  }
  let main: string | undefined;
  return {
    name: 'postgres',
    async open() {
      main ??= await createDb();
      return createDatabase({ databaseUrl: urlFor(main) });
    },
    async reopen() {
      if (!main) throw new Error('open() first');
      return createDatabase({ databaseUrl: urlFor(main) });
    },
    async fresh() {
      const name = await createDb();
      const a = await createDatabase({ databaseUrl: urlFor(name) });
      const b = await createDatabase({ databaseUrl: urlFor(name) });
      return {
        a,
        b,
        async dispose() {
          await a.close();
          await b.close();
        },
      };
    },
    async teardown() {
      await admin(async (c) => {
        for (const name of created.splice(0)) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
}

/** The dialects configured on this machine: PGlite always (on this thread and on its own), PostgreSQL when NEONHUB_TEST_POSTGRES_URL is set. */
export function availableDialects(): DialectFixture[] {
  const url = process.env.NEONHUB_TEST_POSTGRES_URL;
  const pglite = [pgliteFixture(), pgliteFixture(true)];
  return url ? [...pglite, postgresFixture(url)] : pglite;
}
