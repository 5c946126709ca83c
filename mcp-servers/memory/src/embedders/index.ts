import { memoryErrors } from '../errors.js';
import { createHashEmbedder } from './hash.js';
import { createOllamaEmbedder } from './ollama.js';
import { createOpenAIEmbedder } from './openai.js';
import type { Embedder } from './types.js';

export type { HashEmbedderOptions } from './hash.js';
export { createHashEmbedder, tokenize } from './hash.js';
export type { OllamaEmbedderOptions } from './ollama.js';
export { createOllamaEmbedder } from './ollama.js';
export type { OpenAIEmbedderOptions } from './openai.js';
export { createOpenAIEmbedder } from './openai.js';
export type { Embedder } from './types.js';

function positiveInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 16_000) {
    throw memoryErrors.create('NH_MEMORY_EMBEDDER_CONFIG', `${name} must be a positive integer, got "${raw}"`);
  }
  return n;
}

/**
 * The embedder the environment asks for: `NEONHUB_EMBEDDER` = `hash` (default, offline),
 * `openai` (OPENAI_API_KEY, OPENAI_BASE_URL) or `ollama` (OLLAMA_HOST).
 * `NEONHUB_EMBEDDING_MODEL` and `NEONHUB_EMBEDDING_DIMENSIONS` override the model and size.
 */
export async function createEmbedderFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Embedder> {
  const kind = (env.NEONHUB_EMBEDDER ?? 'hash').trim().toLowerCase() || 'hash';
  const model = env.NEONHUB_EMBEDDING_MODEL?.trim() || undefined;
  const dimensions = positiveInt(env, 'NEONHUB_EMBEDDING_DIMENSIONS');
  switch (kind) {
    case 'hash':
      return createHashEmbedder(dimensions ? { dimensions } : {});
    case 'openai': {
      const apiKey = env.OPENAI_API_KEY?.trim();
      if (!apiKey) {
        throw memoryErrors.create(
          'NH_MEMORY_EMBEDDER_CONFIG',
          'NEONHUB_EMBEDDER=openai needs OPENAI_API_KEY (and optionally OPENAI_BASE_URL)',
        );
      }
      return createOpenAIEmbedder({
        apiKey,
        ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}),
        ...(model ? { model } : {}),
        ...(dimensions ? { dimensions } : {}),
      });
    }
    case 'ollama':
      return createOllamaEmbedder({
        ...(env.OLLAMA_HOST ? { host: env.OLLAMA_HOST } : {}),
        ...(model ? { model } : {}),
        ...(dimensions ? { dimensions } : {}),
      });
    default:
      throw memoryErrors.create('NH_MEMORY_EMBEDDER_CONFIG', `NEONHUB_EMBEDDER must be hash, openai or ollama, got "${kind}"`);
  }
}
