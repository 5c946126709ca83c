export { type ChunkOptions, chunkDocument, splitMarkdownSections, type TextChunk } from './chunking.js';
export { type ConnectOptions, connectMemoryDatabase, type MemoryBackend, type MemoryConnection, redactUrl } from './db/connect.js';
export { createVectorIndex, dropVectorIndex, ensureMemorySchema, type SchemaInfo, type VectorIndexOptions } from './db/migrate.js';
export type { MemoryDatabase } from './db/types.js';
export {
  createEmbedderFromEnv,
  createHashEmbedder,
  createOllamaEmbedder,
  createOpenAIEmbedder,
  type Embedder,
  type HashEmbedderOptions,
  type OllamaEmbedderOptions,
  type OpenAIEmbedderOptions,
  tokenize,
} from './embedders/index.js';
export { type MemorySettings, memorySettingsFrom, openMemoryStoreFromEnv } from './env.js';
export { type MemoryErrorCode, memoryErrors } from './errors.js';
export * from './schemas.js';
export { explainVectorSearch, reciprocalRankFusion, vectorLiteral } from './search-sql.js';
export { createMemoryServer, type MemoryServerOptions, SERVER_NAME, SERVER_VERSION, workspaceOf } from './server.js';
export { contentHash, createMemoryStore, type MemoryStore, type MemoryStoreOptions, type VectorQueryOptions } from './store.js';
export { type MemoryToolSpec, memoryToolDefinitions, memoryTools, toJsonSchema } from './tools.js';
