import { type Kysely, sql } from 'kysely';
import pgvector from 'pgvector';
import type { MemoryDatabase } from './db/types.js';
import type { SearchHit } from './schemas.js';

export interface ScopedQuery {
  workspace: string;
  collection?: string;
  limit: number;
}

interface HitRow {
  chunk_id: string;
  document_id: string;
  collection: string;
  title: string;
  source: string | null;
  text: string;
  ord: number;
  chunk_metadata: { headingPath?: string[] } | string;
  doc_metadata: Record<string, unknown> | string;
  score: number | string;
}

function json<T>(v: T | string): T {
  return typeof v === 'string' ? (JSON.parse(v) as T) : v;
}

function toHit(row: HitRow): SearchHit {
  return {
    chunkId: row.chunk_id,
    documentId: row.document_id,
    collection: row.collection,
    title: row.title,
    source: row.source,
    text: row.text,
    ord: row.ord,
    headingPath: json(row.chunk_metadata).headingPath ?? [],
    score: Number(row.score),
    metadata: json(row.doc_metadata),
  };
}

/** pgvector's text form of a vector (via the pgvector package; non-finite components become 0). */
export function vectorLiteral(v: readonly number[]): string {
  return pgvector.toSql(v.map((x) => (Number.isFinite(x) ? x : 0))) as string;
}

const collectionFilter = (collection: string | undefined) => (collection === undefined ? sql`` : sql`AND c.collection = ${collection}`);

type VectorQuery = ScopedQuery & { efSearch: number; exact?: boolean; iterativeScan?: boolean };

async function applyVectorSettings(trx: Kysely<MemoryDatabase>, q: VectorQuery): Promise<void> {
  if (q.exact) {
    await sql`SELECT set_config('enable_indexscan', 'off', true), set_config('enable_bitmapscan', 'off', true)`.execute(trx);
  } else {
    await sql`SELECT set_config('hnsw.ef_search', ${String(Math.max(q.efSearch, q.limit))}, true)`.execute(trx);
    // pgvector 0.8+: keep scanning the graph until `limit` rows pass the workspace/collection filter
    if (q.iterativeScan) await sql`SELECT set_config('hnsw.iterative_scan', 'strict_order', true)`.execute(trx);
  }
}

function vectorQuery(literal: string, q: VectorQuery, explain: boolean) {
  return sql<HitRow>`${explain ? sql`EXPLAIN ` : sql``}
    SELECT c.id AS chunk_id, c.document_id, c.collection, d.title, d.source, c.text, c.ord,
           c.metadata AS chunk_metadata, d.metadata AS doc_metadata, 1 - c.distance AS score
    FROM (
      SELECT c.id, c.document_id, c.collection, c.text, c.ord, c.metadata, c.embedding <=> ${literal}::vector AS distance
      FROM memory.chunks c
      WHERE c.workspace = ${q.workspace} ${collectionFilter(q.collection)}
      ORDER BY c.embedding <=> ${literal}::vector
      LIMIT ${q.limit}
    ) c
    JOIN memory.documents d ON d.id = c.document_id
    ORDER BY c.distance, c.id`;
}

/**
 * Nearest chunks by cosine distance, through the HNSW index (`hnsw.ef_search` = `efSearch`),
 * or by an exact sequential scan when `exact` (index scans disabled for the transaction).
 * Score = cosine similarity (1 - distance).
 */
export async function vectorSearch(db: Kysely<MemoryDatabase>, embedding: readonly number[], q: VectorQuery): Promise<SearchHit[]> {
  const literal = vectorLiteral(embedding);
  return db.transaction().execute(async (trx) => {
    await applyVectorSettings(trx, q);
    const result = await vectorQuery(literal, q, false).execute(trx);
    return result.rows.map(toHit);
  });
}

/** The query plan of a vector search, to check that the HNSW index (or, with `exact`, a sequential scan) is used. */
export async function explainVectorSearch(db: Kysely<MemoryDatabase>, embedding: readonly number[], q: VectorQuery): Promise<string> {
  const literal = vectorLiteral(embedding);
  return db.transaction().execute(async (trx) => {
    await applyVectorSettings(trx, q);
    const result = await vectorQuery(literal, q, true).execute(trx);
    return (result.rows as unknown as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
  });
}

/** Full-text matches of a web-search style query (`"phrase"`, `or`, `-not`), ranked by ts_rank. */
export async function textSearch(db: Kysely<MemoryDatabase>, query: string, q: ScopedQuery): Promise<SearchHit[]> {
  const result = await sql<HitRow>`
    SELECT c.id AS chunk_id, c.document_id, c.collection, d.title, d.source, c.text, c.ord,
           c.metadata AS chunk_metadata, d.metadata AS doc_metadata, c.rank AS score
    FROM (
      SELECT c.id, c.document_id, c.collection, c.text, c.ord, c.metadata, ts_rank(c.tsv, tq) AS rank
      FROM memory.chunks c, websearch_to_tsquery('english', ${query}) tq
      WHERE c.workspace = ${q.workspace} ${collectionFilter(q.collection)} AND c.tsv @@ tq
      ORDER BY rank DESC, c.id
      LIMIT ${q.limit}
    ) c
    JOIN memory.documents d ON d.id = c.document_id
    ORDER BY c.rank DESC, c.id`.execute(db);
  return result.rows.map(toHit);
}

/**
 * Reciprocal rank fusion: score(d) = Σ 1 / (k + rank_i(d)) over the lists that contain d
 * (k = 60, as in Cormack et al. 2009). Ties keep the vector list's order.
 */
export function reciprocalRankFusion(vectorHits: SearchHit[], textHits: SearchHit[], limit: number, k = 60): SearchHit[] {
  const fused = new Map<string, SearchHit>();
  vectorHits.forEach((hit, i) => {
    fused.set(hit.chunkId, { ...hit, score: 1 / (k + i + 1), vectorRank: i + 1 });
  });
  textHits.forEach((hit, i) => {
    const prev = fused.get(hit.chunkId);
    const add = 1 / (k + i + 1);
    if (prev) fused.set(hit.chunkId, { ...prev, score: prev.score + add, textRank: i + 1 });
    else fused.set(hit.chunkId, { ...hit, score: add, textRank: i + 1 });
  });
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || (a.vectorRank ?? 1e9) - (b.vectorRank ?? 1e9) || (a.textRank ?? 1e9) - (b.textRank ?? 1e9))
    .slice(0, limit);
}
