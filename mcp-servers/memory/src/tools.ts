import type { ToolDefinition } from '@neonhub/schemas';
import { z } from 'zod';
import {
  CollectionNameSchema,
  CollectionSchema,
  DocumentKeySchema,
  DocumentSchema,
  IngestInputSchema,
  IngestResultSchema,
  SearchInputSchema,
  SearchResultSchema,
} from './schemas.js';

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export interface MemoryToolSpec<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  sideEffect: 'read' | 'write';
  annotations: ToolAnnotations;
}

const read: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** One document: by its id, or by the key it was ingested with in a collection. */
export const DocumentIdInputSchema = z
  .object({
    documentId: z.string().min(1).max(200).optional().describe('Id returned by memory_ingest or memory_search'),
    collection: CollectionNameSchema.optional().describe('With key: the collection the keyed document is in'),
    key: DocumentKeySchema.optional().describe('With collection: the key the document was ingested with (instead of documentId)'),
  })
  .refine((d) => (d.documentId !== undefined) !== (d.collection !== undefined && d.key !== undefined), {
    message: 'give documentId, or collection and key',
  });
export type DocumentRef = z.output<typeof DocumentIdInputSchema>;
/** `documentId` is null when a key named no document. */
export const DeleteResultSchema = z.object({ documentId: z.string().nullable(), deleted: z.boolean() });
export const ListCollectionsInputSchema = z.object({});
export const ListCollectionsResultSchema = z.object({ collections: z.array(CollectionSchema) });

export const ingestTool = {
  name: 'memory_ingest',
  title: 'Ingest a document into memory',
  description:
    "Store a text or Markdown document in one of the workspace's memory collections (brand_voice, knowledge_base or agent_memory). " +
    'It is split into chunks (Markdown at headings, then paragraphs of about 800 characters), embedded and indexed for vector and ' +
    'full-text search. The same content ingested twice into one collection is stored once (deduplicated: true). With a key, the ' +
    "document replaces the collection's document of that key.",
  input: IngestInputSchema,
  output: IngestResultSchema,
  sideEffect: 'write',
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
} satisfies MemoryToolSpec;

export const searchTool = {
  name: 'memory_search',
  title: 'Search memory',
  description:
    "Search the workspace's memory for the chunks most relevant to a query. mode 'vector' ranks by embedding similarity, " +
    "'text' by Postgres full-text search (web-search syntax: \"exact phrase\", or, -exclude), and 'hybrid' (default) fuses both " +
    'rankings with reciprocal rank fusion. Optionally limited to one collection.',
  input: SearchInputSchema,
  output: SearchResultSchema,
  sideEffect: 'read',
  annotations: read,
} satisfies MemoryToolSpec;

export const getDocumentTool = {
  name: 'memory_get_document',
  title: 'Get a memory document',
  description:
    'Fetch one document of the workspace memory by id (or by collection and key): its title, source, metadata, full content and its chunks in order.',
  input: DocumentIdInputSchema,
  output: DocumentSchema,
  sideEffect: 'read',
  annotations: read,
} satisfies MemoryToolSpec;

export const deleteDocumentTool = {
  name: 'memory_delete_document',
  title: 'Delete a memory document',
  description:
    'Delete a document (by id, or by collection and key) and all its chunks from the workspace memory. Returns deleted: false when there was no such document.',
  input: DocumentIdInputSchema,
  output: DeleteResultSchema,
  sideEffect: 'write',
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
} satisfies MemoryToolSpec;

export const listCollectionsTool = {
  name: 'memory_list_collections',
  title: 'List memory collections',
  description: "List the workspace's memory collections with their kind and how many documents and chunks each holds.",
  input: ListCollectionsInputSchema,
  output: ListCollectionsResultSchema,
  sideEffect: 'read',
  annotations: read,
} satisfies MemoryToolSpec;

/** Every tool the memory server offers, in manifest order. */
export const memoryTools: readonly MemoryToolSpec[] = [ingestTool, searchTool, getDocumentTool, deleteDocumentTool, listCollectionsTool];

/** JSON Schema of a zod schema as it goes in plugin.json (same conversion as @neonhub/sdk's `toJsonSchema`). */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** The `tools` array of plugin.json, generated from the zod schemas. */
export function memoryToolDefinitions(): ToolDefinition[] {
  return memoryTools.map((t) => ({
    name: t.name,
    description: t.description,
    inputSchema: toJsonSchema(t.input, 'input'),
    outputSchema: toJsonSchema(t.output, 'output'),
    sideEffect: t.sideEffect,
  }));
}
