import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHashEmbedder } from '../src/embedders/hash.js';
import type { SearchMode } from '../src/schemas.js';
import { createMemoryStore, type MemoryStore } from '../src/store.js';
import { brandVoice, otherWorkspaceDoc, shippingFaq } from './fixtures.js';

/**
 * The PostgreSQL code path (`pg` pool + Kysely's PostgresDialect), against a server that
 * has pgvector: this machine's PostgreSQL 15 has none, so PGlite (with pgvector) is served
 * over the Postgres wire protocol. One pooled connection: the socket server shares one session.
 */
describe('memory store over the PostgreSQL wire protocol (pg driver)', () => {
  let pglite: PGlite;
  let socket: PGLiteSocketServer;
  let store: MemoryStore;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    pglite = await PGlite.create({ extensions: { vector } });
    socket = new PGLiteSocketServer({ db: pglite, port: 0, host: '127.0.0.1' });
    await socket.start();
    const url = `postgres://postgres:secret@${socket.getServerConn()}/postgres`;
    store = await createMemoryStore({ embedder: createHashEmbedder(), databaseUrl: url, poolMax: 1 });
    ids.faq = (
      await store.ingest('a', { title: 'Shipping FAQ', content: shippingFaq, collection: 'kb', metadata: { lang: 'en' } })
    ).documentId;
    ids.voice = (
      await store.ingest('a', { title: 'Voice', content: brandVoice, collection: 'voice', collectionKind: 'brand_voice' })
    ).documentId;
    ids.other = (await store.ingest('b', { title: 'Globex', content: otherWorkspaceDoc, collection: 'kb' })).documentId;
  });

  afterAll(async () => {
    await store?.close().catch(() => {});
    await socket?.stop().catch(() => {});
    await pglite?.close().catch(() => {});
  });

  it('uses the postgres backend, enables vector, and hides the password', () => {
    expect(store.backend).toBe('postgres');
    expect(store.location).not.toContain('secret');
    expect(store.schema.vectorVersion).toMatch(/^0\.\d+\.\d+$/);
  });

  it('maps rows the same way as PGlite (jsonb, timestamps, counts)', async () => {
    const doc = await store.getDocument('a', ids.faq!);
    expect(doc.metadata).toEqual({ lang: 'en' });
    expect(Number.isNaN(Date.parse(doc.createdAt))).toBe(false);
    expect(doc.chunks.map((c) => c.headingPath)).toEqual([
      ['Shipping FAQ', 'Delivery times'],
      ['Shipping FAQ', 'Returns'],
    ]);
    expect((await store.listCollections('a')).map((c) => [c.name, c.kind, c.documentCount, c.chunkCount])).toEqual([
      ['kb', 'knowledge_base', 1, 2],
      ['voice', 'brand_voice', 1, 3],
    ]);
    expect((await store.ingest('a', { title: 'again', content: shippingFaq, collection: 'kb' })).deduplicated).toBe(true);
  });

  it.each(['vector', 'text', 'hybrid'] as SearchMode[])('%s search ranks and isolates workspaces', async (mode) => {
    const inA = await store.search('a', { query: 'return running shoes refund', mode });
    expect(inA.hits[0]).toMatchObject({ documentId: ids.faq, headingPath: ['Shipping FAQ', 'Returns'] });
    const inB = await store.search('b', { query: 'return running shoes refund delivery', mode, limit: 50 });
    expect(inB.hits.every((h) => h.documentId === ids.other)).toBe(true);
  });

  it('deletes with the workspace in the condition', async () => {
    expect(await store.deleteDocument('b', ids.voice!)).toBe(false);
    expect(await store.deleteDocument('a', ids.voice!)).toBe(true);
    expect((await store.listCollections('a')).find((c) => c.name === 'voice')?.documentCount).toBe(0);
  });
});
