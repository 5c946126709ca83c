import { type Kysely, sql } from 'kysely';
import { memoryErrors } from '../errors.js';
import type { MemoryBackend } from './connect.js';
import type { MemoryDatabase } from './types.js';

/** Arbitrary constant: serialises schema setup between servers starting at once on one database. */
const SETUP_LOCK = 727_311_001;

export interface SchemaInfo {
  /** pgvector version, e.g. `0.8.0`. */
  vectorVersion: string;
  /** Whether pgvector supports `hnsw.iterative_scan` (0.8+), used for filtered queries. */
  iterativeScan: boolean;
}

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map((x) => Number.parseInt(x, 10));
  return a > major || (a === major && b >= minor);
}

/** Makes sure pgvector is there, or explains how to get it. */
async function ensureVectorExtension(db: Kysely<MemoryDatabase>, backend: MemoryBackend, location: string): Promise<string> {
  const installed = await sql<{ extversion: string }>`SELECT extversion FROM pg_extension WHERE extname = 'vector'`.execute(db);
  if (installed.rows[0]) return installed.rows[0].extversion;
  const available = await sql<{ name: string }>`SELECT name FROM pg_available_extensions WHERE name = 'vector'`.execute(db);
  if (!available.rows[0]) {
    throw memoryErrors.create(
      'NH_MEMORY_VECTOR_MISSING',
      `The PostgreSQL server at ${location} does not have the pgvector extension ("vector"), which NeonHub memory needs for vector search. ` +
        'Install pgvector on the server (Debian/Ubuntu: `apt install postgresql-<major>-pgvector`; macOS: `brew install pgvector`; ' +
        'or build it from https://github.com/pgvector/pgvector), or use a provider that ships it (Neon, Supabase, RDS, Cloud SQL), ' +
        'then run `CREATE EXTENSION vector;` in that database. Or unset DATABASE_URL to use the embedded PGlite store, which includes pgvector.',
      { details: { backend, location } },
    );
  }
  try {
    await sql`CREATE EXTENSION IF NOT EXISTS vector`.execute(db);
  } catch (cause) {
    throw memoryErrors.create(
      'NH_MEMORY_VECTOR_MISSING',
      `pgvector is installed on the PostgreSQL server at ${location} but could not be enabled in this database (${(cause as Error).message}). ` +
        'Ask a database owner or superuser to run `CREATE EXTENSION vector;` in it.',
      { cause, details: { backend, location } },
    );
  }
  const after = await sql<{ extversion: string }>`SELECT extversion FROM pg_extension WHERE extname = 'vector'`.execute(db);
  return after.rows[0]?.extversion ?? '0.0.0';
}

/**
 * Creates the `memory` schema (meta, collections, documents, chunks, their indexes) when
 * missing, and checks that the store was built with the same embedder as now: vectors
 * of two embedders cannot be compared.
 */
export async function ensureMemorySchema(
  db: Kysely<MemoryDatabase>,
  opts: { backend: MemoryBackend; location: string; embedderId: string; dimensions: number },
): Promise<SchemaInfo> {
  const dims = opts.dimensions;
  if (!Number.isInteger(dims) || dims < 1 || dims > 16_000) throw new RangeError(`invalid embedding dimensions ${dims}`);
  const vectorVersion = await ensureVectorExtension(db, opts.backend, opts.location);
  await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${SETUP_LOCK})`.execute(trx);
    await sql`CREATE SCHEMA IF NOT EXISTS memory`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS memory.meta (key text PRIMARY KEY, value text NOT NULL)`.execute(trx);
    const meta = await trx.selectFrom('meta').select(['key', 'value']).execute();
    const stored = Object.fromEntries(meta.map((r) => [r.key, r.value]));
    if (stored.embedder_id !== undefined) {
      if (stored.embedder_id !== opts.embedderId || Number(stored.dimensions) !== dims) {
        throw memoryErrors.create(
          'NH_MEMORY_EMBEDDER_MISMATCH',
          `This memory store was indexed with embedder "${stored.embedder_id}" (${stored.dimensions} dimensions) but "${opts.embedderId}" ` +
            `(${dims} dimensions) is configured. Set NEONHUB_EMBEDDER back to the embedder the store was built with, or point ` +
            'NEONHUB_MEMORY_DATA_DIR / DATABASE_URL at a new store and ingest the documents again.',
          { details: { stored: stored.embedder_id, configured: opts.embedderId } },
        );
      }
    } else {
      await trx
        .insertInto('meta')
        .values([
          { key: 'embedder_id', value: opts.embedderId },
          { key: 'dimensions', value: String(dims) },
          { key: 'schema_version', value: '1' },
        ])
        .execute();
    }
    await sql`CREATE TABLE IF NOT EXISTS memory.collections (
      workspace text NOT NULL,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('brand_voice', 'knowledge_base', 'agent_memory')),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace, name)
    )`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS memory.documents (
      id text PRIMARY KEY,
      workspace text NOT NULL,
      collection text NOT NULL,
      title text NOT NULL,
      source text,
      format text NOT NULL,
      content text NOT NULL,
      content_hash text NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (workspace, collection) REFERENCES memory.collections (workspace, name) ON DELETE CASCADE,
      UNIQUE (workspace, collection, content_hash)
    )`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS memory.chunks (
      id text PRIMARY KEY,
      document_id text NOT NULL REFERENCES memory.documents (id) ON DELETE CASCADE,
      workspace text NOT NULL,
      collection text NOT NULL,
      ord integer NOT NULL,
      text text NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED,
      embedding vector(${sql.raw(String(dims))}) NOT NULL
    )`.execute(trx);
    await sql`CREATE INDEX IF NOT EXISTS chunks_scope_idx ON memory.chunks (workspace, collection)`.execute(trx);
    await sql`CREATE INDEX IF NOT EXISTS chunks_document_idx ON memory.chunks (document_id, ord)`.execute(trx);
    await sql`CREATE INDEX IF NOT EXISTS chunks_tsv_idx ON memory.chunks USING gin (tsv)`.execute(trx);
    await sql`CREATE INDEX IF NOT EXISTS documents_scope_idx ON memory.documents (workspace, collection, created_at)`.execute(trx);
  });
  await createVectorIndex(db);
  return { vectorVersion, iterativeScan: versionAtLeast(vectorVersion, 0, 8) };
}

export interface VectorIndexOptions {
  /** HNSW graph degree; pgvector's default 16. */
  m?: number;
  /** Candidate list size while building; pgvector's default 64. */
  efConstruction?: number;
  /** e.g. `1GB`: a build whose graph fits in maintenance_work_mem is much faster. Session setting (PGlite's one connection). */
  maintenanceWorkMem?: string;
}

/** HNSW index for cosine distance (`vector_cosine_ops`). */
export async function createVectorIndex(db: Kysely<MemoryDatabase>, opts: VectorIndexOptions = {}): Promise<void> {
  const m = Math.trunc(opts.m ?? 16);
  const ef = Math.trunc(opts.efConstruction ?? 64);
  if (opts.maintenanceWorkMem) await sql`SELECT set_config('maintenance_work_mem', ${opts.maintenanceWorkMem}, false)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS chunks_embedding_hnsw_idx ON memory.chunks
    USING hnsw (embedding vector_cosine_ops) WITH (m = ${sql.raw(String(m))}, ef_construction = ${sql.raw(String(ef))})`.execute(db);
}

/** Drops the HNSW index (bulk loads build it once at the end: much faster than maintaining it row by row). */
export async function dropVectorIndex(db: Kysely<MemoryDatabase>): Promise<void> {
  await sql`DROP INDEX IF EXISTS memory.chunks_embedding_hnsw_idx`.execute(db);
}
