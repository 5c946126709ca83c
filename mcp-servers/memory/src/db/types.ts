import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export interface MetaTable {
  key: string;
  value: string;
}

export interface CollectionsTable {
  workspace: string;
  name: string;
  kind: string;
  created_at: Timestamp;
}

export interface DocumentsTable {
  id: string;
  workspace: string;
  collection: string;
  title: string;
  source: string | null;
  format: string;
  content: string;
  content_hash: string;
  metadata: Json<Record<string, unknown>>;
  created_at: Timestamp;
}

export interface ChunksTable {
  id: string;
  document_id: string;
  workspace: string;
  collection: string;
  ord: number;
  text: string;
  /** `{ headingPath: string[] }` */
  metadata: Json<{ headingPath?: string[] }>;
  /** Generated: to_tsvector('english', text). */
  tsv: ColumnType<string, never, never>;
  /** pgvector literal `[x,y,...]` on insert; read it only through SQL operators. */
  embedding: ColumnType<string, string, string>;
}

/** Tables of the `memory` schema (the Kysely instance is bound to it with `withSchema('memory')`). */
export interface MemoryDatabase {
  meta: MetaTable;
  collections: CollectionsTable;
  documents: DocumentsTable;
  chunks: ChunksTable;
}
