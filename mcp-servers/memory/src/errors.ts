import { defineErrors } from '@neonhub/schemas';

/** Errors raised by the memory server. `docs/memory.md` lists the same codes. */
export const memoryErrors = defineErrors({
  NH_MEMORY_VECTOR_MISSING: {
    status: 503,
    category: 'user',
    description: 'The PostgreSQL server named by DATABASE_URL has no pgvector (`vector`) extension, or it cannot be created there.',
  },
  NH_MEMORY_DB_UNAVAILABLE: {
    status: 503,
    category: 'transient',
    description: 'The memory database could not be opened or reached.',
  },
  NH_MEMORY_EMBEDDER_MISMATCH: {
    status: 409,
    category: 'user',
    description: 'The store was indexed with a different embedder or dimension count than the one configured now.',
  },
  NH_MEMORY_EMBEDDER_CONFIG: {
    status: 400,
    category: 'user',
    description: 'The embedder settings (NEONHUB_EMBEDDER and its variables) are invalid or incomplete.',
  },
  NH_MEMORY_EMBEDDER_FAILED: {
    status: 502,
    category: 'third_party',
    description: 'The embedding provider (OpenAI, Ollama) failed or answered with vectors of the wrong shape.',
  },
  NH_MEMORY_DOCUMENT_NOT_FOUND: {
    status: 404,
    category: 'user',
    description: 'No document with this id exists in the workspace.',
  },
  NH_MEMORY_COLLECTION_KIND_MISMATCH: {
    status: 409,
    category: 'user',
    description: 'The collection already exists with a different kind.',
  },
  NH_MEMORY_INTERNAL: {
    status: 500,
    category: 'internal',
    description: "An unexpected failure inside the memory server; the server's stderr log has the details.",
  },
  NH_MEMORY_WORKSPACE_REQUIRED: {
    status: 400,
    category: 'user',
    description:
      'The call names no workspace (`_meta["io.neonhub/workspace"]`) and the server is not pinned to one (`--workspace`); memory is never stored in a shared default.',
  },
  NH_MEMORY_WORKSPACE_MISMATCH: {
    status: 403,
    category: 'user',
    description: 'The server was started for one workspace (`--workspace`) and the call names another.',
  },
  NH_MEMORY_CONTENT_EMPTY: {
    status: 400,
    category: 'user',
    description: 'The document has no text to index.',
  },
});

export type MemoryErrorCode = keyof typeof memoryErrors.registry;
