import { createHash, randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { type ChunkOptions, chunkDocument } from './chunking.js';
import { type ConnectOptions, connectMemoryDatabase, type MemoryBackend } from './db/connect.js';
import { ensureMemorySchema, type SchemaInfo } from './db/migrate.js';
import type { MemoryDatabase } from './db/types.js';
import type { Embedder } from './embedders/types.js';
import { memoryErrors } from './errors.js';
import {
  type Collection,
  type CollectionKind,
  type IngestInput,
  IngestInputSchema,
  type IngestResult,
  type MemoryDocument,
  type SearchHit,
  type SearchInput,
  SearchInputSchema,
  type SearchResult,
} from './schemas.js';
import { reciprocalRankFusion, textSearch, vectorLiteral, vectorSearch } from './search-sql.js';
import type { DocumentRef } from './tools.js';

export interface MemoryStoreOptions extends ConnectOptions {
  embedder: Embedder;
  /** `hnsw.ef_search` for vector queries (candidates the HNSW scan keeps); 200 by default (recall@10 0.95 at 100k clustered vectors). */
  efSearch?: number;
  chunking?: ChunkOptions;
  /** Rows per INSERT when writing chunks; 200 by default. */
  insertBatchSize?: number;
  /**
   * PGlite has no autovacuum, so planner statistics go stale and the planner stops choosing
   * the HNSW index: the store runs ANALYZE on open and after this many new chunks (1000).
   */
  analyzeEvery?: number;
}

export interface VectorQueryOptions {
  collection?: string;
  limit?: number;
  /** Overrides the store's `efSearch` for this query. */
  efSearch?: number;
  /** Exact nearest neighbours by a sequential scan (index scans off): slow, for checking recall. */
  exact?: boolean;
}

export interface MemoryStore {
  readonly embedder: Embedder;
  readonly backend: MemoryBackend;
  /** Data folder (PGlite) or redacted URL (PostgreSQL). */
  readonly location: string;
  readonly schema: SchemaInfo;
  /** Kysely bound to the `memory` schema, for bulk loads and maintenance. */
  readonly db: Kysely<MemoryDatabase>;
  ingest(workspace: string, input: IngestInput): Promise<IngestResult>;
  search(workspace: string, input: SearchInput): Promise<SearchResult>;
  searchByEmbedding(workspace: string, embedding: readonly number[], options?: VectorQueryOptions): Promise<SearchHit[]>;
  /** By id or by collection and key; throws NH_MEMORY_DOCUMENT_NOT_FOUND when the document is not in the workspace. */
  getDocument(workspace: string, ref: string | DocumentRef): Promise<MemoryDocument>;
  /** By id or by collection and key; false when there was no such document in the workspace. */
  deleteDocument(workspace: string, ref: string | DocumentRef): Promise<boolean>;
  /** The id of the document a reference names (a keyed one: the collection's document of that key), if any. */
  documentIdOf(workspace: string, ref: DocumentRef): Promise<string | undefined>;
  listCollections(workspace: string): Promise<Collection[]>;
  /** Refreshes planner statistics (ANALYZE); call it after a bulk load. */
  analyze(): Promise<void>;
  close(): Promise<void>;
}

/** sha256 of the content with line endings normalised and outer whitespace trimmed. */
export function contentHash(content: string): string {
  return `sha256:${createHash('sha256').update(content.replace(/\r\n?/g, '\n').trim()).digest('hex')}`;
}

function json<T>(v: T | string): T {
  return typeof v === 'string' ? (JSON.parse(v) as T) : v;
}

function iso(d: Date | string): string {
  return d instanceof Date ? d.toISOString() : new Date(d).toISOString();
}

/** Text that gets embedded for a chunk: its document title and heading path give it context. */
function embeddingText(title: string, headingPath: string[], text: string): string {
  return [[title, ...headingPath].join(' > '), text].join('\n\n');
}

/** Opens (and if needed creates) a memory store on PGlite or PostgreSQL. */
export async function createMemoryStore(options: MemoryStoreOptions): Promise<MemoryStore> {
  const { embedder } = options;
  const conn = await connectMemoryDatabase(options);
  let schema: SchemaInfo;
  try {
    schema = await ensureMemorySchema(conn.db, {
      backend: conn.backend,
      location: conn.location,
      embedderId: embedder.id,
      dimensions: embedder.dimensions,
    });
  } catch (e) {
    await conn.close().catch(() => {});
    throw e;
  }
  const { db } = conn;
  const efSearch = options.efSearch ?? 200;
  const batchSize = options.insertBatchSize ?? 200;
  const analyzeEvery = options.analyzeEvery ?? 1000;
  let chunksSinceAnalyze = 0;

  async function analyze(): Promise<void> {
    chunksSinceAnalyze = 0;
    await sql`ANALYZE memory.collections, memory.documents, memory.chunks`.execute(db);
  }
  if (conn.backend === 'pglite') await analyze();

  async function findByHash(workspace: string, collection: string, hash: string) {
    return db
      .selectFrom('documents')
      .select('id')
      .where('workspace', '=', workspace)
      .where('collection', '=', collection)
      .where('content_hash', '=', hash)
      .executeTakeFirst();
  }

  /** The id a reference names: the id itself, or the collection's document of that key (undefined when none). */
  async function resolveRef(workspace: string, ref: string | DocumentRef): Promise<string | undefined> {
    if (typeof ref === 'string') return ref;
    if (ref.documentId !== undefined) return ref.documentId;
    if (ref.collection === undefined || ref.key === undefined) return undefined;
    const row = await db
      .selectFrom('documents')
      .select('id')
      .where('workspace', '=', workspace)
      .where('collection', '=', ref.collection)
      .where(sql<string>`metadata->>'key'`, '=', ref.key)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    return row?.id;
  }

  async function countChunks(documentId: string): Promise<number> {
    const row = await db
      .selectFrom('chunks')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('document_id', '=', documentId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async function checkCollectionKind(workspace: string, name: string, kind: CollectionKind | undefined): Promise<void> {
    if (!kind) return;
    const existing = await db
      .selectFrom('collections')
      .select('kind')
      .where('workspace', '=', workspace)
      .where('name', '=', name)
      .executeTakeFirst();
    if (existing && existing.kind !== kind) {
      throw memoryErrors.create(
        'NH_MEMORY_COLLECTION_KIND_MISMATCH',
        `Collection "${name}" already exists as ${existing.kind}; ingest into it without collectionKind or with collectionKind "${existing.kind}", or use another collection name.`,
        { details: { collection: name, kind: existing.kind, requested: kind } },
      );
    }
  }

  const store: MemoryStore = {
    embedder,
    backend: conn.backend,
    location: conn.location,
    schema,
    db,

    async ingest(workspace, rawInput) {
      const parsed = IngestInputSchema.parse(rawInput);
      // a keyed document carries its key in its metadata (and replaces the collection's other document of that key)
      const input = parsed.key ? { ...parsed, metadata: { ...parsed.metadata, key: parsed.key } } : parsed;
      const hash = contentHash(input.content);
      await checkCollectionKind(workspace, input.collection, input.collectionKind);
      /** Removes the collection's other documents of the key (their chunks go by cascade). */
      const replaceKeyed = async (trx: Kysely<MemoryDatabase>, keep: string) => {
        if (!input.key) return;
        await trx
          .deleteFrom('documents')
          .where('workspace', '=', workspace)
          .where('collection', '=', input.collection)
          .where(sql<string>`metadata->>'key'`, '=', input.key)
          .where('id', '!=', keep)
          .execute();
      };
      const existing = await findByHash(workspace, input.collection, hash);
      if (existing) {
        if (input.key)
          await db.transaction().execute(async (trx) => {
            await trx
              .updateTable('documents')
              .set({ title: input.title, source: input.source ?? null, metadata: JSON.stringify(input.metadata) })
              .where('id', '=', existing.id)
              .execute();
            await replaceKeyed(trx, existing.id);
          });
        return {
          documentId: existing.id,
          collection: input.collection,
          chunks: await countChunks(existing.id),
          contentHash: hash,
          deduplicated: true,
        };
      }
      const chunks = chunkDocument(input.content, input.format, options.chunking);
      if (chunks.length === 0) throw memoryErrors.create('NH_MEMORY_CONTENT_EMPTY', `Document "${input.title}" has no text to index.`);
      // embed before opening the transaction: a slow provider must not hold the database
      const vectors = await embedder.embed(chunks.map((c) => embeddingText(input.title, c.headingPath, c.text)));
      const documentId = randomUUID();
      const written = await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('collections')
          .values({ workspace, name: input.collection, kind: input.collectionKind ?? 'knowledge_base' })
          .onConflict((oc) => oc.columns(['workspace', 'name']).doNothing())
          .execute();
        const inserted = await trx
          .insertInto('documents')
          .values({
            id: documentId,
            workspace,
            collection: input.collection,
            title: input.title,
            source: input.source ?? null,
            format: input.format,
            content: input.content,
            content_hash: hash,
            metadata: JSON.stringify(input.metadata),
          })
          .onConflict((oc) => oc.columns(['workspace', 'collection', 'content_hash']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!inserted) return false; // a concurrent ingest of the same content won
        await replaceKeyed(trx, documentId);
        for (let start = 0; start < chunks.length; start += batchSize) {
          const rows = chunks.slice(start, start + batchSize).map((c, i) => ({
            id: randomUUID(),
            document_id: documentId,
            workspace,
            collection: input.collection,
            ord: c.ord,
            text: c.text,
            metadata: JSON.stringify({ headingPath: c.headingPath }),
            embedding: vectorLiteral(vectors[start + i]!),
          }));
          await trx.insertInto('chunks').values(rows).execute();
        }
        return true;
      });
      if (written && conn.backend === 'pglite') {
        chunksSinceAnalyze += chunks.length;
        if (chunksSinceAnalyze >= analyzeEvery) await analyze();
      }
      if (!written) {
        const winner = await findByHash(workspace, input.collection, hash);
        return {
          documentId: winner!.id,
          collection: input.collection,
          chunks: await countChunks(winner!.id),
          contentHash: hash,
          deduplicated: true,
        };
      }
      return { documentId, collection: input.collection, chunks: chunks.length, contentHash: hash, deduplicated: false };
    },

    async searchByEmbedding(workspace, embedding, opts = {}) {
      return vectorSearch(db, embedding, {
        workspace,
        limit: opts.limit ?? 10,
        efSearch: opts.efSearch ?? efSearch,
        iterativeScan: schema.iterativeScan,
        ...(opts.collection === undefined ? {} : { collection: opts.collection }),
        ...(opts.exact ? { exact: true } : {}),
      });
    },

    async search(workspace, rawInput) {
      const input = SearchInputSchema.parse(rawInput);
      const scope = { workspace, ...(input.collection === undefined ? {} : { collection: input.collection }) };
      const vectorHits = async (limit: number) => {
        const [embedding] = await embedder.embed([input.query]);
        // a query with no words embeds to the zero vector, whose cosine distance is undefined
        if (!embedding || embedding.every((x) => x === 0)) return [];
        return vectorSearch(db, embedding, { ...scope, limit, efSearch, iterativeScan: schema.iterativeScan });
      };
      if (input.mode === 'vector') {
        const hits = await vectorHits(input.limit);
        return { mode: input.mode, hits: hits.map((h, i) => ({ ...h, vectorRank: i + 1 })) };
      }
      if (input.mode === 'text') {
        const hits = await textSearch(db, input.query, { ...scope, limit: input.limit });
        return { mode: input.mode, hits: hits.map((h, i) => ({ ...h, textRank: i + 1 })) };
      }
      const candidates = Math.min(100, Math.max(20, input.limit * 4));
      const [v, t] = await Promise.all([vectorHits(candidates), textSearch(db, input.query, { ...scope, limit: candidates })]);
      return { mode: input.mode, hits: reciprocalRankFusion(v, t, input.limit) };
    },

    async getDocument(workspace, ref) {
      const documentId = await resolveRef(workspace, ref);
      const doc =
        documentId === undefined
          ? undefined
          : await db.selectFrom('documents').selectAll().where('workspace', '=', workspace).where('id', '=', documentId).executeTakeFirst();
      if (!doc) {
        const named = typeof ref === 'string' ? ref : (ref.documentId ?? `${ref.collection}/${ref.key}`);
        throw memoryErrors.create('NH_MEMORY_DOCUMENT_NOT_FOUND', `No document ${named} in this workspace.`, {
          details: typeof ref === 'string' ? { documentId: ref } : ref,
        });
      }
      const chunks = await db
        .selectFrom('chunks')
        .select(['id', 'ord', 'text', 'metadata'])
        .where('workspace', '=', workspace)
        .where('document_id', '=', doc.id)
        .orderBy('ord')
        .execute();
      return {
        id: doc.id,
        collection: doc.collection,
        title: doc.title,
        source: doc.source,
        format: doc.format === 'text' ? 'text' : 'markdown',
        contentHash: doc.content_hash,
        content: doc.content,
        metadata: json(doc.metadata),
        createdAt: iso(doc.created_at),
        chunks: chunks.map((c) => ({ id: c.id, ord: c.ord, text: c.text, headingPath: json(c.metadata).headingPath ?? [] })),
      };
    },

    async deleteDocument(workspace, ref) {
      const documentId = await resolveRef(workspace, ref);
      if (documentId === undefined) return false;
      const result = await db.deleteFrom('documents').where('workspace', '=', workspace).where('id', '=', documentId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    documentIdOf: resolveRef,

    async listCollections(workspace) {
      const rows = await db
        .selectFrom('collections as col')
        .select((eb) => [
          'col.name',
          'col.kind',
          'col.created_at',
          eb
            .selectFrom('documents as d')
            .select(eb.fn.countAll<string>().as('n'))
            .whereRef('d.workspace', '=', 'col.workspace')
            .whereRef('d.collection', '=', 'col.name')
            .as('document_count'),
          eb
            .selectFrom('chunks as c')
            .select(eb.fn.countAll<string>().as('n'))
            .whereRef('c.workspace', '=', 'col.workspace')
            .whereRef('c.collection', '=', 'col.name')
            .as('chunk_count'),
        ])
        .where('col.workspace', '=', workspace)
        .orderBy('col.name')
        .execute();
      return rows.map((r) => ({
        name: r.name,
        kind: r.kind as CollectionKind,
        documentCount: Number(r.document_count ?? 0),
        chunkCount: Number(r.chunk_count ?? 0),
        createdAt: iso(r.created_at),
      }));
    },

    analyze,

    async close() {
      await conn.close();
    },
  };
  return store;
}
