import { z } from 'zod';
import { sdkErrors } from '../errors.js';

/**
 * The memory contract (issue 15, "Memory in the agents"): what an agent can ask of the workspace's memory, and
 * the tools a plugin must offer to provide it. A plugin declares `"provides": ["memory"]` in its manifest and offers
 * `memory_search` and `memory_ingest` with the inputs and outputs below (the first-party memory MCP server does);
 * the host finds it among the workspace's enabled plugins and hands agents `ctx.memory`. Every call is made in the
 * caller's workspace: a plugin cannot name another one.
 */
export const MEMORY_CONTRACT = {
  name: 'memory',
  /** `{ query, collection?, mode?: 'hybrid', limit? }` -> `{ mode, hits: MemoryHit[] }` */
  search: 'memory_search',
  /** `{ title, content, collection, collectionKind?, source?, metadata?, key? }` -> `{ documentId, chunks, deduplicated, ... }` */
  ingest: 'memory_ingest',
  /** `{ collection, key }` (or `{ documentId }`) -> `{ id, title, content, metadata, ... }`; NH_…_NOT_FOUND when none */
  get: 'memory_get_document',
  /** `{ collection, key }` (or `{ documentId }`) -> `{ documentId, deleted }` */
  remove: 'memory_delete_document',
} as const;

/**
 * The brand kit in memory (issue 15): each section saved on the brand kit page is one document of this collection
 * (kind brand_voice), stored under the key `brand-kit:<section>` and replaced on every save; its metadata carries
 * `section`. Drafts recall them by hybrid search.
 */
export const BRAND_KIT_COLLECTION = 'brand-kit';
export const BRAND_KIT_SECTIONS = ['voice', 'banned', 'disclosures', 'facts'] as const;
export type BrandKitSection = (typeof BRAND_KIT_SECTIONS)[number];
export const brandKitKey = (section: BrandKitSection) => `brand-kit:${section}`;

/** The collection a winning draft is remembered in (agent_memory kind); the content agent recalls from it. */
export const WINNING_CONTENT_COLLECTION = 'winning-content';

/** One retrieved chunk, as much as a draft's provenance needs to name it. */
export interface RecalledChunk {
  chunkId: string;
  documentId: string;
  collection: string;
  /** The title of the document the chunk belongs to. */
  title: string;
  /** Where the document came from (a URL, a file name), when it was given. */
  source: string | null;
  text: string;
  /** Hybrid (reciprocal rank fusion) score: higher is more relevant. */
  score: number;
  metadata: Record<string, unknown>;
}

export interface RecallOptions {
  /** How many chunks at most (default 6, at most 50). */
  limit?: number;
  /** Only this collection (all of the workspace's collections when absent). */
  collection?: string;
}

export interface Recall {
  chunks: RecalledChunk[];
  /** The plugin that served it (from its manifest's `provides`). */
  provider: string;
  /** Time the recall took, end to end through the host pipeline. */
  durationMs: number;
}

export interface RememberInput {
  title: string;
  content: string;
  collection: string;
  collectionKind?: 'brand_voice' | 'knowledge_base' | 'agent_memory';
  source?: string;
  metadata?: Record<string, unknown>;
  /** A stable name in the collection: remembering under a key replaces the collection's document of that key. */
  key?: string;
}

export interface Remembered {
  documentId: string;
  chunks: number;
  /** The same content was already in that collection: nothing new was stored. */
  deduplicated: boolean;
}

/**
 * `ctx.memory`: the workspace's memory, through the host pipeline (policy, audit and usage apply as to any call).
 * Absent when no enabled plugin provides the memory contract, or where the host offers none (isolated plugins).
 */
export interface MemoryAccess {
  /** Hybrid search (vector + full text, fused) of the workspace's memory. */
  recall(query: string, opts?: RecallOptions): Promise<Recall>;
  /** Stores a document (chunked, embedded, indexed); the same content twice in a collection is stored once. */
  remember(doc: RememberInput): Promise<Remembered>;
  /** The collection's document stored under `key`, or null. */
  read(collection: string, key: string): Promise<RememberedDocument | null>;
  /** Removes the collection's document stored under `key`; false when there was none. */
  forget(collection: string, key: string): Promise<boolean>;
}

export interface RememberedDocument {
  documentId: string;
  title: string;
  content: string;
  metadata: Record<string, unknown>;
  chunks: number;
}

const HitSchema = z.object({
  chunkId: z.string(),
  documentId: z.string(),
  collection: z.string(),
  title: z.string(),
  source: z.string().nullable().optional(),
  text: z.string(),
  score: z.number(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
const SearchAnswerSchema = z.object({ hits: z.array(HitSchema) });
const IngestAnswerSchema = z.object({ documentId: z.string(), chunks: z.number(), deduplicated: z.boolean() });
const DocumentAnswerSchema = z.object({
  id: z.string(),
  title: z.string(),
  content: z.string(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  chunks: z.array(z.unknown()).optional(),
});
const RemoveAnswerSchema = z.object({ deleted: z.boolean() });

/** Whether a provider's failure says the document is not there (a `…_NOT_FOUND` code). */
const notFound = (err: unknown) => {
  const e = err as { code?: unknown; details?: { code?: unknown } } | undefined;
  return [e?.code, e?.details?.code].some((c) => typeof c === 'string' && /_NOT_FOUND$/.test(c));
};

/** How `ctx.memory` reaches its provider: a call of one of the provider's tools, in the caller's workspace. */
export type MemoryCall = (tool: string, input: Record<string, unknown>) => Promise<unknown>;

function answer<T>(schema: z.ZodType<T>, provider: string, tool: string, output: unknown): T {
  if (output && typeof output === 'object' && 'pendingApproval' in output)
    throw sdkErrors.create('NH_SDK_MEMORY_HELD', `${provider}:${tool} was held for approval by the workspace's policy`, {
      details: { provider, tool },
    });
  const parsed = schema.safeParse(output);
  if (!parsed.success)
    throw sdkErrors.create(
      'NH_SDK_MEMORY_ANSWER_INVALID',
      `${provider}:${tool} answered outside the memory contract: ${parsed.error.message}`,
      {
        details: { provider, tool },
      },
    );
  return parsed.data;
}

/**
 * The memory contract over a provider's tools: what the host hands agents as `ctx.memory` (and what a test passes
 * to the harness). `call(tool, input)` calls `<provider>:<tool>` in the caller's workspace.
 */
export function createMemoryAccess(provider: string, call: MemoryCall): MemoryAccess {
  return {
    async recall(query, opts = {}) {
      const started = performance.now();
      const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 6), 1), 50);
      const input = { query: query.slice(0, 4000), mode: 'hybrid', limit, ...(opts.collection ? { collection: opts.collection } : {}) };
      const out = answer(SearchAnswerSchema, provider, MEMORY_CONTRACT.search, await call(MEMORY_CONTRACT.search, input));
      const chunks = out.hits.map((h) => ({ ...h, source: h.source ?? null, metadata: h.metadata ?? {} }));
      return { chunks, provider, durationMs: performance.now() - started };
    },
    async remember(doc) {
      const input = {
        title: doc.title,
        content: doc.content,
        collection: doc.collection,
        ...(doc.collectionKind ? { collectionKind: doc.collectionKind } : {}),
        ...(doc.source ? { source: doc.source } : {}),
        ...(doc.metadata ? { metadata: doc.metadata } : {}),
        ...(doc.key ? { key: doc.key } : {}),
      };
      const out = answer(IngestAnswerSchema, provider, MEMORY_CONTRACT.ingest, await call(MEMORY_CONTRACT.ingest, input));
      return { documentId: out.documentId, chunks: out.chunks, deduplicated: out.deduplicated };
    },
    async read(collection, key) {
      let output: unknown;
      try {
        output = await call(MEMORY_CONTRACT.get, { collection, key });
      } catch (err) {
        if (notFound(err)) return null;
        throw err;
      }
      const doc = answer(DocumentAnswerSchema, provider, MEMORY_CONTRACT.get, output);
      return { documentId: doc.id, title: doc.title, content: doc.content, metadata: doc.metadata ?? {}, chunks: doc.chunks?.length ?? 0 };
    },
    async forget(collection, key) {
      return answer(RemoveAnswerSchema, provider, MEMORY_CONTRACT.remove, await call(MEMORY_CONTRACT.remove, { collection, key })).deleted;
    },
  };
}
