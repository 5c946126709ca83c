import { memoryErrors } from '../errors.js';
import type { Embedder } from './types.js';

export interface OllamaEmbedderOptions {
  /** `http://127.0.0.1:11434` by default; a bare `host:port` (Ollama's own convention) works too. */
  host?: string;
  /** `nomic-embed-text` by default. */
  model?: string;
  /** Vector size of the model; found by embedding a probe text when not given and the model is not a known one. */
  dimensions?: number;
  batchSize?: number;
  timeoutMs?: number;
}

const KNOWN_DIMENSIONS: Record<string, number> = {
  'nomic-embed-text': 768,
  'mxbai-embed-large': 1024,
  'all-minilm': 384,
  'snowflake-arctic-embed': 1024,
  'bge-m3': 1024,
};

export function normalizeOllamaHost(host: string | undefined): string {
  let h = (host ?? '').trim() || 'http://127.0.0.1:11434';
  if (!/^https?:\/\//.test(h)) h = `http://${h}`;
  return h.replace(/\/+$/, '');
}

/** Embeddings from Ollama's `POST /api/embed` (`{ model, input: [...] }` -> `{ embeddings: [[...]] }`). */
export async function createOllamaEmbedder(options: OllamaEmbedderOptions = {}): Promise<Embedder> {
  const host = normalizeOllamaHost(options.host);
  const model = options.model ?? 'nomic-embed-text';
  const batchSize = options.batchSize ?? 64;
  const timeoutMs = options.timeoutMs ?? 60_000;

  async function call(input: string[]): Promise<number[][]> {
    let res: Response;
    try {
      res = await fetch(`${host}/api/embed`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, input }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw memoryErrors.create('NH_MEMORY_EMBEDDER_FAILED', `Ollama at ${host} could not be reached: ${(cause as Error).message}`, {
        cause,
        details: { host, model },
      });
    }
    if (!res.ok) {
      const body = await res.text().catch(() => '');
      throw memoryErrors.create('NH_MEMORY_EMBEDDER_FAILED', `Ollama /api/embed answered HTTP ${res.status}: ${body.slice(0, 300)}`, {
        details: { host, model, status: res.status },
      });
    }
    const json = (await res.json()) as { embeddings?: unknown };
    if (!Array.isArray(json.embeddings) || json.embeddings.length !== input.length) {
      throw memoryErrors.create('NH_MEMORY_EMBEDDER_FAILED', `Ollama returned no embeddings array of ${input.length} vectors`);
    }
    return json.embeddings as number[][];
  }

  const dimensions = options.dimensions ?? KNOWN_DIMENSIONS[model.split(':')[0]!] ?? (await call(['dimension probe']))[0]?.length ?? 0;

  return {
    id: `ollama:${model}:${dimensions}`,
    dimensions,
    async embed(texts: string[]): Promise<number[][]> {
      const out: number[][] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        const vectors = await call(texts.slice(start, start + batchSize));
        for (const v of vectors) {
          if (!Array.isArray(v) || v.length !== dimensions) {
            throw memoryErrors.create(
              'NH_MEMORY_EMBEDDER_FAILED',
              `Ollama model ${model} returned a ${Array.isArray(v) ? v.length : 'non-array'}-dimension vector; expected ${dimensions}`,
            );
          }
          out.push(v);
        }
      }
      return out;
    },
  };
}
