import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { memoryErrors } from '../errors.js';
import type { MemoryDatabase } from './types.js';

export type MemoryBackend = 'pglite' | 'postgres';

export interface MemoryConnection {
  /** Kysely bound to the `memory` schema. */
  db: Kysely<MemoryDatabase>;
  backend: MemoryBackend;
  /** Where the data lives: a folder (PGlite) or the URL with its password hidden (PostgreSQL). */
  location: string;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** PostgreSQL URL; when set, PGlite is not used. */
  databaseUrl?: string;
  /** PGlite data folder (created when missing), or `memory://` for an in-memory store. */
  dataDir?: string;
  onPoolError?: (err: Error) => void;
  /** Most pooled PostgreSQL connections; 10 by default. */
  poolMax?: number;
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable DATABASE_URL>';
  }
}

/**
 * NEONHUB_PGLITE_TEMPLATE (set by NeonHub's test suites, see docs/configuration.md): a directory holding the files
 * PGlite's initdb writes, and beside it `<dir>.tar`, the same dumped. A new store starts as a copy of it (a folder) or
 * from the tarball (in memory) instead of running initdb, seconds of every first start. Unset or not made: initdb.
 */
const isDatabase = (dir: string) => existsSync(join(dir, 'PG_VERSION'));

function fromTemplate(dir: string | undefined, template = process.env.NEONHUB_PGLITE_TEMPLATE?.trim()): { loadDataDir?: Blob } {
  if (!template || !isDatabase(template)) return {};
  if (dir === undefined) return existsSync(`${template}.tar`) ? { loadDataDir: new Blob([readFileSync(`${template}.tar`)]) } : {};
  if (!isDatabase(dir)) cpSync(template, dir, { recursive: true });
  return {};
}

async function openPglite(dataDir: string): Promise<MemoryConnection> {
  const inMemory = dataDir.startsWith('memory://');
  const dir = inMemory ? dataDir : resolve(dataDir);
  if (!inMemory) mkdirSync(dir, { recursive: true });
  let pglite: PGlite;
  try {
    const seed = fromTemplate(inMemory ? undefined : dir);
    pglite = await PGlite.create(inMemory ? undefined : dir, { ...seed, extensions: { vector } });
  } catch (cause) {
    throw memoryErrors.create('NH_MEMORY_DB_UNAVAILABLE', `Could not open the PGlite memory store in ${dir}: ${(cause as Error).message}`, {
      cause,
      details: { dataDir: dir },
    });
  }
  const db = new Kysely<MemoryDatabase>({ dialect: new PGliteDialect(pglite) }).withSchema('memory');
  return {
    db,
    backend: 'pglite',
    location: dir,
    async close() {
      await db.destroy(); // the dialect closes PGlite
    },
  };
}

async function openPostgres(databaseUrl: string, onPoolError?: (err: Error) => void, poolMax = 10): Promise<MemoryConnection> {
  const pool = new pg.Pool({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000, max: poolMax, idleTimeoutMillis: 30_000 });
  pool.on('error', (err) => onPoolError?.(err));
  try {
    const client = await pool.connect();
    client.release();
  } catch (cause) {
    await pool.end().catch(() => {});
    throw memoryErrors.create(
      'NH_MEMORY_DB_UNAVAILABLE',
      `Could not connect to PostgreSQL at ${redactUrl(databaseUrl)}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  const db = new Kysely<MemoryDatabase>({ dialect: new PostgresDialect({ pool }) }).withSchema('memory');
  return {
    db,
    backend: 'postgres',
    location: redactUrl(databaseUrl),
    async close() {
      await db.destroy(); // ends the pool
    },
  };
}

/** Opens the memory database: PostgreSQL when `databaseUrl` is given, else PGlite in `dataDir` (default `./.neonhub/memory`). */
export async function connectMemoryDatabase(options: ConnectOptions = {}): Promise<MemoryConnection> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.onPoolError, options.poolMax);
  return openPglite(options.dataDir ?? './.neonhub/memory');
}
