import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { unavailable } from './pg-errors.js';
import { readTemplateTarball, seedFromTemplate, type TemplateKind, templateTarballPath } from './pglite-template.js';
import { type PgliteClientLike, startPgliteThread } from './pglite-thread.js';
import type { DB } from './types.js';

export interface CreateDatabaseOptions {
  /** NeonHub's data directory; the embedded database lives in `<dataDir>/pg`. */
  dataDir?: string;
  /** A PostgreSQL URL (`postgres://...`): use that server instead of the embedded database. */
  databaseUrl?: string;
  /** An in-memory embedded database (tests, throwaway runs). */
  memory?: boolean;
  /**
   * When NEONHUB_PGLITE_TEMPLATE is set (test suites, pglite-template.ts): which template a new embedded database
   * starts from, `migrated` (default) or `initdb` (empty, for tests of the migrations themselves).
   */
  template?: TemplateKind;
  /**
   * Run the embedded database on a worker thread (pglite-thread.ts), so its work never holds this thread's event
   * loop; one message round trip per query. Default: on this thread.
   */
  pgliteThread?: boolean;
  /** Seconds to wait for a PostgreSQL connection before NH_DB_UNAVAILABLE (default 5). */
  connectTimeoutSeconds?: number;
  /** PostgreSQL pool size (default 10). */
  maxConnections?: number;
  /** Told about errors on idle pooled connections, which are otherwise swallowed (the pool replaces them). */
  onIdleError?(err: Error): void;
}

export interface Database {
  db: Kysely<DB>;
  dialect: 'pglite' | 'postgres';
  /** Whether the pgvector extension is installed (always on PGlite; optional on a PostgreSQL server). */
  hasVector: boolean;
  /**
   * PostgreSQL only: subscribes to a LISTEN/NOTIFY channel on a connection of its own (reconnecting with backoff;
   * `reset` is told after a reconnect, since notifications sent meanwhile are lost). PGlite is one process: absent.
   */
  listen?(channel: string, handler: ListenHandler, opts?: { applicationName?: string }): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** What a LISTEN subscription tells its owner (Database.listen). */
export interface ListenHandler {
  /** A notification on the channel, in commit order. */
  message(payload: string): void;
  /** The connection was lost: notifications sent until the next `connected` may be lost. */
  reset(): void;
  /**
   * The subscription is up (after LISTEN ran) with a query on its own connection, or down (`undefined`). A query there
   * runs after every notification committed before it started has been handed to `message` (the server sends pending
   * notifications before it reports the query done): a heartbeat through it proves the subscription is live and current.
   */
  connected?(query: ((text: string, values?: unknown[]) => Promise<Record<string, unknown>[]>) | undefined): void;
}

/** A URL safe to print: the password replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable database URL)';
  }
}

/**
 * Opens the database: PostgreSQL through a `pg` pool when `databaseUrl` is given, else embedded
 * PGlite (file-backed in `<dataDir>/pg`, or in memory), with pgvector. Does not migrate: call
 * `migrate(database.db)`. PGlite is a single connection; the dialect queues callers, so do not
 * start a second query on `db` from inside a transaction callback (use the transaction).
 * PGlite does not lock its data directory: one process at a time (the host takes a pid lock).
 */
export async function createDatabase(opts: CreateDatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts);
  if (!opts.memory && !opts.dataDir) throw new TypeError('createDatabase needs dataDir, databaseUrl or memory: true');
  return openPglite(opts.memory ? undefined : join(opts.dataDir as string, 'pg'), opts.pgliteThread ?? false, opts.template);
}

async function openPglite(dir: string | undefined, thread: boolean, template: TemplateKind = 'migrated'): Promise<Database> {
  // NEONHUB_PGLITE_TEMPLATE: a copy of a template (files, or a tarball in memory) instead of running initdb again
  let tarball: string | undefined;
  if (dir) {
    await seedFromTemplate(dir, undefined, template);
    await mkdir(dir, { recursive: true });
  } else tarball = templateTarballPath(undefined, template);
  let client: PGlite | PgliteClientLike;
  try {
    if (thread) client = await startPgliteThread(dir, tarball);
    else {
      const source = dir ? { dataDir: dir } : tarball ? { loadDataDir: await readTemplateTarball(tarball) } : {};
      const local = await PGlite.create({ ...source, extensions: { vector } });
      await local.exec('CREATE EXTENSION IF NOT EXISTS vector');
      client = local;
    }
  } catch (err) {
    throw unavailable(err, dir ? `the embedded database in ${dir}` : 'the in-memory database');
  }
  // the dialect uses only query() and close(), which the thread's client has too
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client as PGlite) });
  let closed = false;
  return {
    db,
    dialect: 'pglite',
    hasVector: true,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy(); // closes PGlite, flushing its files
    },
  };
}

async function openPostgres(url: string, opts: CreateDatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    connectionTimeoutMillis: (opts.connectTimeoutSeconds ?? 5) * 1000,
    max: opts.maxConnections ?? 10,
    idleTimeoutMillis: 30_000,
  });
  // Without a listener, an error on an idle client (server restart, network drop) kills the process.
  pool.on('error', (err) => opts.onIdleError?.(err));
  let hasVector: boolean;
  try {
    const client = await pool.connect();
    try {
      hasVector = await ensureVector(client);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => {});
    throw unavailable(err, `PostgreSQL at ${redactUrl(url)}`);
  }
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  const listeners = new Set<() => Promise<void>>();
  return {
    db,
    dialect: 'postgres',
    hasVector,
    async listen(channel, handler, listenOpts) {
      if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new TypeError(`bad channel name ${channel}`);
      let client: pg.Client | undefined;
      let stopped = false;
      let delay = 100;
      const connect = async (): Promise<void> => {
        const c = new pg.Client({
          connectionString: url,
          connectionTimeoutMillis: (opts.connectTimeoutSeconds ?? 5) * 1000,
          ...(listenOpts?.applicationName ? { application_name: listenOpts.applicationName } : {}),
        });
        c.on('notification', (n) => {
          if (n.channel === channel) handler.message(n.payload ?? '');
        });
        c.on('error', () => {}); // 'end' follows and reconnects
        c.on('end', () => {
          if (client === c) handler.connected?.(undefined);
          if (stopped) return;
          handler.reset();
          setTimeout(() => void connect().catch(() => {}), delay).unref();
          delay = Math.min(delay * 2, 5000);
        });
        try {
          await c.connect();
          await c.query(`LISTEN ${channel}`);
        } catch (err) {
          c.removeAllListeners('end');
          await c.end().catch(() => {});
          if (stopped) return;
          handler.reset();
          setTimeout(() => void connect().catch(() => {}), delay).unref();
          delay = Math.min(delay * 2, 5000);
          throw err;
        }
        client = c;
        delay = 100;
        handler.connected?.(async (text, values) => (await c.query(text, values as unknown[])).rows);
      };
      await connect();
      const stop = async () => {
        stopped = true;
        listeners.delete(stop);
        await client?.end().catch(() => {});
      };
      listeners.add(stop);
      return stop;
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...listeners].map((stop) => stop()));
      await db.destroy(); // ends the pool
    },
  };
}

/** Installs pgvector when the server has it and we may; reports whether it is there afterwards. */
async function ensureVector(client: pg.PoolClient): Promise<boolean> {
  const installed = async () => (await client.query(`select 1 from pg_extension where extname = 'vector'`)).rowCount === 1;
  if (await installed()) return true;
  const available = (await client.query(`select 1 from pg_available_extensions where name = 'vector'`)).rowCount === 1;
  if (!available) return false;
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS vector');
  } catch {
    return false; // no privilege to create it: vector search stays off, the rest works
  }
  return installed();
}

/** Checks the database answers (for /health). */
export async function ping(db: Kysely<DB>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
