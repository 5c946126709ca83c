import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isNeonHubError } from '@neonhub/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHashEmbedder } from '../src/embedders/hash.js';
import type { SearchMode } from '../src/schemas.js';
import { createMemoryServer } from '../src/server.js';
import { createMemoryStore, type MemoryStore } from '../src/store.js';
import { brandVoice, campaignNotes, otherWorkspaceDoc, shippingFaq } from './fixtures.js';

const A = 'ws-acme';
const B = 'ws-globex';
const modes: SearchMode[] = ['vector', 'text', 'hybrid'];

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isNeonHubError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a NeonHubError');
}

describe('memory store on PGlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nh-memory-store-'));
  let store: MemoryStore;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    store = await createMemoryStore({ embedder: createHashEmbedder(), dataDir: dir });
    ids.voice = (
      await store.ingest(A, { title: 'Brand voice', content: brandVoice, collection: 'brand-voice', collectionKind: 'brand_voice' })
    ).documentId;
    ids.faq = (
      await store.ingest(A, {
        title: 'Shipping FAQ',
        content: shippingFaq,
        collection: 'kb',
        source: 'https://acme.test/faq',
        metadata: { lang: 'en' },
      })
    ).documentId;
    ids.notes = (
      await store.ingest(A, {
        title: 'Spring retro',
        content: campaignNotes,
        collection: 'notes',
        collectionKind: 'agent_memory',
        format: 'text',
      })
    ).documentId;
    ids.other = (await store.ingest(B, { title: 'Globex shipping', content: otherWorkspaceDoc, collection: 'kb' })).documentId;
  });

  afterAll(async () => {
    await store?.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports pgvector with iterative scans and the hash embedder', () => {
    expect(store.backend).toBe('pglite');
    expect(store.schema.iterativeScan).toBe(true);
    expect(store.embedder.id).toBe('hash-v1-384');
  });

  it('stores a Markdown document as heading-scoped chunks and returns it whole', async () => {
    const doc = await store.getDocument(A, ids.faq!);
    expect(doc).toMatchObject({
      title: 'Shipping FAQ',
      collection: 'kb',
      source: 'https://acme.test/faq',
      format: 'markdown',
      metadata: { lang: 'en' },
    });
    expect(doc.content).toBe(shippingFaq);
    expect(doc.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(doc.chunks.map((c) => [c.ord, c.headingPath])).toEqual([
      [0, ['Shipping FAQ', 'Delivery times']],
      [1, ['Shipping FAQ', 'Returns']],
    ]);
    expect(doc.chunks[1]!.text).toContain('within 30 days');
  });

  it('deduplicates the same content in a collection, but not across collections', async () => {
    const again = await store.ingest(A, { title: 'FAQ copy', content: `${shippingFaq}\n\n`, collection: 'kb' });
    expect(again).toMatchObject({ documentId: ids.faq, deduplicated: true, chunks: 2 });
    const elsewhere = await store.ingest(A, { title: 'FAQ copy', content: shippingFaq, collection: 'kb-archive' });
    expect(elsewhere.deduplicated).toBe(false);
    expect(elsewhere.documentId).not.toBe(ids.faq);
    expect(await store.deleteDocument(A, elsewhere.documentId)).toBe(true);
  });

  it('lists collections with kinds and counts, per workspace', async () => {
    const cols = await store.listCollections(A);
    expect(cols.map((c) => [c.name, c.kind, c.documentCount, c.chunkCount])).toEqual([
      ['brand-voice', 'brand_voice', 1, 3],
      ['kb', 'knowledge_base', 1, 2],
      ['kb-archive', 'knowledge_base', 0, 0],
      ['notes', 'agent_memory', 1, 1],
    ]);
    expect((await store.listCollections(B)).map((c) => c.name)).toEqual(['kb']);
  });

  it('refuses to reuse a collection name with another kind', async () => {
    expect(await codeOf(store.ingest(A, { title: 't', content: 'x y z', collection: 'kb', collectionKind: 'agent_memory' }))).toBe(
      'NH_MEMORY_COLLECTION_KIND_MISMATCH',
    );
  });

  it.each(modes)('%s search finds the relevant chunk first', async (mode) => {
    const { hits } = await store.search(A, { query: 'return running shoes refund', mode, limit: 5 });
    expect(hits[0]).toMatchObject({
      documentId: ids.faq,
      title: 'Shipping FAQ',
      headingPath: ['Shipping FAQ', 'Returns'],
      collection: 'kb',
    });
    expect(hits[0]!.metadata).toEqual({ lang: 'en' });
    const scores = hits.map((h) => h.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
  });

  it('text search honours web-search syntax and finds nothing for absent words', async () => {
    const phrase = await store.search(A, { query: '"exclamation marks"', mode: 'text' });
    expect(phrase.hits.map((h) => h.headingPath.at(-1))).toEqual(['Words to avoid']);
    expect((await store.search(A, { query: 'blockchain', mode: 'text' })).hits).toEqual([]);
    expect((await store.search(A, { query: 'shoes -refund', mode: 'text' })).hits.every((h) => !h.text.includes('refund'))).toBe(true);
  });

  it('hybrid fuses both rankings with RRF (k = 60)', async () => {
    const { hits } = await store.search(A, { query: 'subject line open rate', mode: 'hybrid', limit: 3 });
    const top = hits[0]!;
    expect(top.documentId).toBe(ids.notes);
    expect(top.vectorRank).toBeDefined();
    expect(top.textRank).toBeDefined();
    expect(top.score).toBeCloseTo(1 / (60 + top.vectorRank!) + 1 / (60 + top.textRank!), 12);
  });

  it('scopes a search to one collection', async () => {
    for (const mode of modes) {
      const { hits } = await store.search(A, { query: 'running shoes', mode, collection: 'notes' });
      expect(hits.length).toBeGreaterThan(0);
      expect(hits.every((h) => h.collection === 'notes')).toBe(true);
    }
  });

  it("never shows workspace A's chunks or documents to workspace B", async () => {
    for (const mode of modes) {
      for (const query of ['running shoes returns delivery', 'brand voice exclamation marks', 'spring sale subject line']) {
        const { hits } = await store.search(B, { query, mode, limit: 50 });
        expect(hits.every((h) => h.documentId === ids.other)).toBe(true);
      }
    }
    const aDocs = new Set([ids.voice, ids.faq, ids.notes]);
    const fromA = await store.search(A, { query: 'Globex ships worldwide', mode: 'hybrid', limit: 50 });
    expect(fromA.hits.every((h) => aDocs.has(h.documentId))).toBe(true);
    expect(await codeOf(store.getDocument(B, ids.faq!))).toBe('NH_MEMORY_DOCUMENT_NOT_FOUND');
    expect(await store.deleteDocument(B, ids.faq!)).toBe(false);
    expect((await store.getDocument(A, ids.faq!)).id).toBe(ids.faq);
  });

  it('finds nothing for a query with no words instead of failing', async () => {
    expect((await store.search(A, { query: '!!!', mode: 'vector' })).hits).toEqual([]);
  });

  it('agrees with an exact scan on vector search', async () => {
    const [q] = await store.embedder.embed(['delivery times express']);
    const approx = await store.searchByEmbedding(A, q!, { limit: 5 });
    const exact = await store.searchByEmbedding(A, q!, { limit: 5, exact: true });
    expect(approx.map((h) => h.chunkId)).toEqual(exact.map((h) => h.chunkId));
  });

  it('deletes a document with its chunks', async () => {
    const tmp = await store.ingest(A, {
      title: 'Temp',
      content: 'Ephemeral note about zeppelin launches.',
      collection: 'notes',
      format: 'text',
    });
    expect((await store.search(A, { query: 'zeppelin', mode: 'text' })).hits).toHaveLength(1);
    expect(await store.deleteDocument(A, tmp.documentId)).toBe(true);
    expect((await store.search(A, { query: 'zeppelin', mode: 'text' })).hits).toHaveLength(0);
    expect(await codeOf(store.getDocument(A, tmp.documentId))).toBe('NH_MEMORY_DOCUMENT_NOT_FOUND');
  });

  it('a keyed document is replaced by the next ingest of its key, read and deleted by key, per workspace', async () => {
    const key = 'brand-kit:facts';
    const first = await store.ingest(A, { title: 'Facts', content: 'The kettle boils water in 90 seconds.', collection: 'kit', key });
    const second = await store.ingest(A, { title: 'Facts', content: 'The kettle boils water in 75 seconds.', collection: 'kit', key });
    expect(second.documentId).not.toBe(first.documentId);
    expect(await codeOf(store.getDocument(A, first.documentId))).toBe('NH_MEMORY_DOCUMENT_NOT_FOUND');
    const byKey = await store.getDocument(A, { collection: 'kit', key });
    expect(byKey).toMatchObject({ id: second.documentId, content: 'The kettle boils water in 75 seconds.', metadata: { key } });
    // only the current text is found
    expect((await store.search(A, { query: 'kettle seconds', mode: 'text', collection: 'kit' })).hits.map((h) => h.text)).toEqual([
      'The kettle boils water in 75 seconds.',
    ]);
    // back to the first text: that content is stored anew under the key, and the second one goes
    const third = await store.ingest(A, { title: 'Facts', content: 'The kettle boils water in 90 seconds.', collection: 'kit', key });
    expect((await store.getDocument(A, { collection: 'kit', key })).id).toBe(third.documentId);
    expect(await codeOf(store.getDocument(A, second.documentId))).toBe('NH_MEMORY_DOCUMENT_NOT_FOUND');
    // same content again: deduplicated, still the one document of the key
    expect(
      await store.ingest(A, { title: 'Facts', content: 'The kettle boils water in 90 seconds.', collection: 'kit', key }),
    ).toMatchObject({
      documentId: third.documentId,
      deduplicated: true,
    });
    // another workspace's key is its own
    await store.ingest(B, { title: 'Facts', content: 'Globex sells kettles.', collection: 'kit', key });
    expect((await store.getDocument(A, { collection: 'kit', key })).id).toBe(third.documentId);
    expect(await store.documentIdOf(A, { collection: 'kit', key: 'brand-kit:none' })).toBeUndefined();
    expect(await store.deleteDocument(A, { collection: 'kit', key })).toBe(true);
    expect(await codeOf(store.getDocument(A, { collection: 'kit', key }))).toBe('NH_MEMORY_DOCUMENT_NOT_FOUND');
    expect((await store.getDocument(B, { collection: 'kit', key })).content).toBe('Globex sells kettles.');
  });

  it('a same-content document ingested under a key takes the key, and the old keyed one goes', async () => {
    const key = 'brand-kit:voice';
    const keyed = await store.ingest(A, { title: 'Voice', content: 'Warm and plain-spoken.', collection: 'kit2', key });
    const plain = await store.ingest(A, { title: 'Voice notes', content: 'Short sentences, no jargon.', collection: 'kit2' });
    const again = await store.ingest(A, { title: 'Voice', content: 'Short sentences, no jargon.', collection: 'kit2', key });
    expect(again).toMatchObject({ documentId: plain.documentId, deduplicated: true });
    expect((await store.getDocument(A, { collection: 'kit2', key })).id).toBe(plain.documentId);
    expect(await codeOf(store.getDocument(A, keyed.documentId))).toBe('NH_MEMORY_DOCUMENT_NOT_FOUND');
  });

  it('serves the same tools over Streamable HTTP from createMemoryServer(store)', async () => {
    const server = createMemoryServer(store);
    let transport: StreamableHTTPServerTransport | undefined;
    const http = createServer((req, res) => void transport?.handleRequest(req, res));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableDnsRebindingProtection: true,
      allowedHosts: [`127.0.0.1:${port}`],
    });
    await server.connect(transport);
    const client = new Client({ name: 'http-test', version: '1.0.0' });
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('memory_search');
      const search = (args: Record<string, unknown>, workspace?: string) =>
        client.callTool({
          name: 'memory_search',
          arguments: args,
          ...(workspace ? { _meta: { 'io.neonhub/workspace': { id: workspace, slug: workspace } } } : {}),
        }) as Promise<CallToolResult>;
      const inA = await search({ query: 'delivery business days', mode: 'text' }, A);
      expect((inA.structuredContent as { hits: { documentId: string }[] }).hits[0]?.documentId).toBe(ids.faq);
      const inB = await search({ query: 'delivery business days', mode: 'text' }, B);
      expect((inB.structuredContent as { hits: { documentId: string }[] }).hits.map((h) => h.documentId)).toEqual([ids.other]);
      // an unpinned server never falls back to a shared workspace
      const none = await search({ query: 'delivery business days', mode: 'text' });
      expect(none.isError).toBe(true);
      expect(none._meta?.['neonhub/error']).toMatchObject({ code: 'NH_MEMORY_WORKSPACE_REQUIRED' });
    } finally {
      await client.close();
      await server.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });

  it('persists across restarts and refuses a different embedder', async () => {
    await store.close();
    expect(await codeOf(createMemoryStore({ embedder: createHashEmbedder({ dimensions: 256 }), dataDir: dir }))).toBe(
      'NH_MEMORY_EMBEDDER_MISMATCH',
    );
    store = await createMemoryStore({ embedder: createHashEmbedder(), dataDir: dir });
    expect((await store.getDocument(A, ids.voice!)).title).toBe('Brand voice');
  });
});
