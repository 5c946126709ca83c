import { z } from 'zod';

/** What a collection holds; drives how agents use it. */
export const CollectionKindSchema = z.enum(['brand_voice', 'knowledge_base', 'agent_memory']);
export type CollectionKind = z.infer<typeof CollectionKindSchema>;

export const CollectionNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'collection names use lowercase letters, digits, _ and -, e.g. brand-voice');

export const WorkspaceIdSchema = z.string().min(1).max(128);

export const DocumentFormatSchema = z.enum(['text', 'markdown']);
export type DocumentFormat = z.infer<typeof DocumentFormatSchema>;

export const SearchModeSchema = z.enum(['vector', 'text', 'hybrid']);
export type SearchMode = z.infer<typeof SearchModeSchema>;

export const MetadataSchema = z.record(z.string(), z.unknown());

/** A document's stable name in its collection (memory_ingest `key`; kept as `metadata.key`). */
export const DocumentKeySchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[a-z0-9][a-z0-9_:.-]*$/, 'keys use lowercase letters, digits and _ : . -, e.g. brand-kit:voice');

export const CollectionSchema = z.object({
  name: CollectionNameSchema,
  kind: CollectionKindSchema,
  documentCount: z.number().int().min(0),
  chunkCount: z.number().int().min(0),
  createdAt: z.string(),
});
export type Collection = z.infer<typeof CollectionSchema>;

export const ChunkSchema = z.object({
  id: z.string(),
  ord: z.number().int().min(0),
  text: z.string(),
  headingPath: z.array(z.string()),
});
export type Chunk = z.infer<typeof ChunkSchema>;

export const DocumentSchema = z.object({
  id: z.string(),
  collection: CollectionNameSchema,
  title: z.string(),
  source: z.string().nullable(),
  format: DocumentFormatSchema,
  contentHash: z.string(),
  content: z.string(),
  metadata: MetadataSchema,
  createdAt: z.string(),
  chunks: z.array(ChunkSchema),
});
export type MemoryDocument = z.infer<typeof DocumentSchema>;

export const SearchHitSchema = z.object({
  chunkId: z.string(),
  documentId: z.string(),
  collection: CollectionNameSchema,
  title: z.string(),
  source: z.string().nullable(),
  text: z.string(),
  headingPath: z.array(z.string()),
  ord: z.number().int().min(0),
  /** Higher is better: cosine similarity (vector), ts_rank (text), or the RRF score (hybrid). */
  score: z.number(),
  /** 1-based rank in the vector list, when the hit came from it. */
  vectorRank: z.number().int().min(1).optional(),
  /** 1-based rank in the full-text list, when the hit came from it. */
  textRank: z.number().int().min(1).optional(),
  metadata: MetadataSchema,
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

export const IngestInputSchema = z.object({
  title: z.string().min(1).max(500).describe('Document title; it is embedded with every chunk as context'),
  content: z.string().min(1).max(2_000_000).describe('The document text (plain text or Markdown)'),
  collection: CollectionNameSchema.describe('Collection to store it in, e.g. brand-voice, product-faq; created on first use'),
  collectionKind: CollectionKindSchema.optional().describe(
    'Kind of the collection when this call creates it (default knowledge_base); must match the kind of an existing collection',
  ),
  format: DocumentFormatSchema.default('markdown').describe('markdown (split at headings) or text'),
  source: z.string().max(2000).optional().describe('Where the document came from, e.g. a URL or file name'),
  metadata: MetadataSchema.default({}).describe('Free-form JSON metadata returned with search hits'),
  key: DocumentKeySchema.optional().describe(
    "A stable name for the document in its collection, e.g. brand-kit:voice: ingesting with a key replaces the collection's document of that key (in one transaction), so the key always names one current document",
  ),
});
export type IngestInput = z.input<typeof IngestInputSchema>;

export const IngestResultSchema = z.object({
  documentId: z.string(),
  collection: CollectionNameSchema,
  chunks: z.number().int().min(0),
  contentHash: z.string(),
  /** True when a document with the same content already existed in the collection; nothing was written. */
  deduplicated: z.boolean(),
});
export type IngestResult = z.infer<typeof IngestResultSchema>;

export const SearchInputSchema = z.object({
  query: z.string().min(1).max(4000).describe('What to look for, in natural language or web-search syntax'),
  collection: CollectionNameSchema.optional().describe('Search only this collection (all collections of the workspace when absent)'),
  mode: SearchModeSchema.default('hybrid').describe('vector (embedding similarity), text (full-text) or hybrid (both, fused)'),
  limit: z.number().int().min(1).max(100).default(10).describe('Maximum number of chunks to return'),
});
export type SearchInput = z.input<typeof SearchInputSchema>;

export const SearchResultSchema = z.object({
  mode: SearchModeSchema,
  hits: z.array(SearchHitSchema),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;
