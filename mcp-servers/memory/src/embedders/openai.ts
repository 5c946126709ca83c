import OpenAI from 'openai';
import { memoryErrors } from '../errors.js';
import type { Embedder } from './types.js';

export interface OpenAIEmbedderOptions {
  apiKey: string;
  /** An OpenAI-compatible endpoint, e.g. `https://api.openai.com/v1` (the default). */
  baseURL?: string;
  /** `text-embedding-3-small` by default. */
  model?: string;
  /** Sent as `dimensions`; 1536 by default (text-embedding-3-small's native size). */
  dimensions?: number;
  /** Texts per request; 256 by default (the API takes up to 2048). */
  batchSize?: number;
  maxRetries?: number;
  timeoutMs?: number;
}

/** Embeddings through the official `openai` client (`POST /embeddings`). */
export function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Embedder {
  const model = options.model ?? 'text-embedding-3-small';
  const dimensions = options.dimensions ?? 1536;
  const batchSize = options.batchSize ?? 256;
  const client = new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: options.maxRetries ?? 2,
    timeout: options.timeoutMs ?? 60_000,
  });

  return {
    id: `openai:${model}:${dimensions}`,
    dimensions,
    async embed(texts: string[]): Promise<number[][]> {
      const out: number[][] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        const batch = texts.slice(start, start + batchSize);
        let response: Awaited<ReturnType<typeof client.embeddings.create>>;
        try {
          response = await client.embeddings.create({ model, input: batch, dimensions });
        } catch (cause) {
          const status = (cause as { status?: number }).status;
          throw memoryErrors.create(
            'NH_MEMORY_EMBEDDER_FAILED',
            `OpenAI embeddings request failed${status ? ` with HTTP ${status}` : ''}: ${(cause as Error).message}`,
            { cause, details: { model, status } },
          );
        }
        const rows = [...response.data].sort((a, b) => a.index - b.index);
        if (rows.length !== batch.length) {
          throw memoryErrors.create('NH_MEMORY_EMBEDDER_FAILED', `OpenAI returned ${rows.length} embeddings for ${batch.length} inputs`);
        }
        for (const row of rows) {
          const vector = Array.from(row.embedding as ArrayLike<number>);
          if (vector.length !== dimensions) {
            throw memoryErrors.create(
              'NH_MEMORY_EMBEDDER_FAILED',
              `OpenAI returned ${vector.length}-dimension vectors; ${dimensions} were asked for (model ${model})`,
            );
          }
          out.push(vector);
        }
      }
      return out;
    },
  };
}
