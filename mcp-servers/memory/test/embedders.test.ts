import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isNeonHubError } from '@neonhub/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHashEmbedder } from '../src/embedders/hash.js';
import { createEmbedderFromEnv } from '../src/embedders/index.js';
import { createOllamaEmbedder, normalizeOllamaHost } from '../src/embedders/ollama.js';
import { createOpenAIEmbedder } from '../src/embedders/openai.js';

/** Deterministic "model": the hash embedder at the requested size, so expected vectors are known. */
const reference = (dims: number) => createHashEmbedder({ dimensions: dims });

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  for await (const p of req) parts.push(p as Buffer);
  return JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>;
}

interface Seen {
  path: string;
  auth: string | undefined;
  body: Record<string, unknown>;
}

/** A local server speaking OpenAI's `POST /v1/embeddings` and Ollama's `POST /api/embed` wire formats. */
function fakeProviders(seen: Seen[]): Server {
  return createServer(async (req, res) => {
    const b = await body(req);
    seen.push({ path: req.url ?? '', auth: req.headers.authorization, body: b });
    const json = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (req.url === '/v1/embeddings' && req.method === 'POST') {
      if (req.headers.authorization !== 'Bearer sk-test') {
        return json(401, {
          error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
        });
      }
      const input = (Array.isArray(b.input) ? b.input : [b.input]) as string[];
      const dims = (b.dimensions as number | undefined) ?? 1536;
      const vectors = await reference(dims).embed(input);
      const data = vectors.map((v, index) => ({
        object: 'embedding',
        index,
        // the client asks for base64 unless told otherwise: little-endian float32
        embedding: b.encoding_format === 'base64' ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v,
      }));
      // answer out of order: the client must sort by index
      return json(200, {
        object: 'list',
        data: data.reverse(),
        model: b.model,
        usage: { prompt_tokens: input.length, total_tokens: input.length },
      });
    }
    if (req.url === '/api/embed' && req.method === 'POST') {
      if (b.model === 'missing-model') return json(404, { error: `model "missing-model" not found, try pulling it first` });
      const input = (Array.isArray(b.input) ? b.input : [b.input]) as string[];
      return json(200, { model: b.model, embeddings: await reference(16).embed(input) });
    }
    json(404, { error: 'not found' });
  });
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isNeonHubError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a NeonHubError');
}

describe('provider embedders against a local server', () => {
  const seen: Seen[] = [];
  const server = fakeProviders(seen);
  let base = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('OpenAI: the real client sends model and dimensions, batches, and decodes the vectors in input order', async () => {
    seen.length = 0;
    const e = createOpenAIEmbedder({ apiKey: 'sk-test', baseURL: `${base}/v1`, dimensions: 64, batchSize: 2 });
    expect(e.id).toBe('openai:text-embedding-3-small:64');
    const texts = ['spring sale', 'running shoes', 'brand voice', 'returns policy', 'newsletter'];
    const vectors = await e.embed(texts);
    const expected = await reference(64).embed(texts);
    expect(vectors).toHaveLength(5);
    vectors.forEach((v, i) => {
      expect(v).toHaveLength(64);
      for (const [j, x] of v.entries()) expect(x).toBeCloseTo(expected[i]![j]!, 6);
    });
    expect(seen.map((s) => [s.path, (s.body.input as string[]).length])).toEqual([
      ['/v1/embeddings', 2],
      ['/v1/embeddings', 2],
      ['/v1/embeddings', 1],
    ]);
    expect(seen[0]!.body).toMatchObject({ model: 'text-embedding-3-small', dimensions: 64, encoding_format: 'base64' });
    expect(seen[0]!.auth).toBe('Bearer sk-test');
  });

  it('OpenAI: a rejected key becomes NH_MEMORY_EMBEDDER_FAILED', async () => {
    const e = createOpenAIEmbedder({ apiKey: 'sk-wrong', baseURL: `${base}/v1`, dimensions: 8, maxRetries: 0 });
    const err = await e.embed(['x']).catch((x: unknown) => x);
    expect(isNeonHubError(err) && err.code).toBe('NH_MEMORY_EMBEDDER_FAILED');
    expect((err as Error).message).toContain('HTTP 401');
  });

  it('OpenAI is chosen by NEONHUB_EMBEDDER=openai with OPENAI_BASE_URL', async () => {
    seen.length = 0;
    const e = await createEmbedderFromEnv({
      NEONHUB_EMBEDDER: 'openai',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `${base}/v1`,
      NEONHUB_EMBEDDING_DIMENSIONS: '32',
    });
    expect(e.dimensions).toBe(32);
    expect(await e.embed(['hello'])).toHaveLength(1);
    expect(seen[0]!.body).toMatchObject({ dimensions: 32, input: ['hello'] });
    expect(await codeOf(createEmbedderFromEnv({ NEONHUB_EMBEDDER: 'openai' }))).toBe('NH_MEMORY_EMBEDDER_CONFIG');
  });

  it('Ollama: /api/embed with the model, probing the size of an unknown model', async () => {
    seen.length = 0;
    const e = await createOllamaEmbedder({ host: base.replace('http://', ''), model: 'tiny-embed' });
    expect(e.dimensions).toBe(16);
    expect(e.id).toBe('ollama:tiny-embed:16');
    const [v] = await e.embed(['brand voice']);
    expect(v).toEqual((await reference(16).embed(['brand voice']))[0]);
    expect(seen.at(-1)).toMatchObject({ path: '/api/embed', body: { model: 'tiny-embed', input: ['brand voice'] } });
  });

  it('Ollama: a known model with the wrong size, or a missing model, is NH_MEMORY_EMBEDDER_FAILED', async () => {
    const known = await createOllamaEmbedder({ host: base, model: 'nomic-embed-text' });
    expect(known.dimensions).toBe(768);
    expect(await codeOf(known.embed(['x']))).toBe('NH_MEMORY_EMBEDDER_FAILED');
    expect(await codeOf(createOllamaEmbedder({ host: base, model: 'missing-model' }))).toBe('NH_MEMORY_EMBEDDER_FAILED');
  });

  it('reads settings from the environment and rejects bad ones', async () => {
    expect((await createEmbedderFromEnv({})).id).toBe('hash-v1-384');
    expect(normalizeOllamaHost('127.0.0.1:11434/')).toBe('http://127.0.0.1:11434');
    expect(normalizeOllamaHost(undefined)).toBe('http://127.0.0.1:11434');
    expect(await codeOf(createEmbedderFromEnv({ NEONHUB_EMBEDDER: 'cohere' }))).toBe('NH_MEMORY_EMBEDDER_CONFIG');
    expect(await codeOf(createEmbedderFromEnv({ NEONHUB_EMBEDDING_DIMENSIONS: 'lots' }))).toBe('NH_MEMORY_EMBEDDER_CONFIG');
  });
});
