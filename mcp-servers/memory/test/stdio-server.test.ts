import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PluginManifestSchema } from '@neonhub/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brandVoice, shippingFaq } from './fixtures.js';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const manifest = PluginManifestSchema.parse(JSON.parse(readFileSync(join(serverDir, 'plugin.json'), 'utf8')));
const runtime = manifest.runtime.type === 'mcp-stdio' ? manifest.runtime : undefined;

/** `_meta` as the NeonHub host sends it with every call. */
const asWorkspace = (id: string) => ({ 'io.neonhub/workspace': { id, slug: id } });

describe('memory server over stdio, started with the plugin.json command', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nh-memory-stdio-'));
  const client = new Client({ name: 'memory-test', version: '1.0.0' });
  let stderr = '';

  const call = async (name: string, args: Record<string, unknown>, meta?: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args, ...(meta ? { _meta: meta } : {}) })) as CallToolResult;

  beforeAll(async () => {
    if (!runtime) throw new Error('plugin.json runtime is not mcp-stdio');
    const transport = new StdioClientTransport({
      command: runtime.command,
      args: runtime.args,
      cwd: serverDir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NEONHUB_MEMORY_DATA_DIR: dataDir,
        // the suite's initdb template (scripts/vitest-global-setup.ts), passed as the host passes it (plugin.json env)
        ...(process.env.NEONHUB_PGLITE_TEMPLATE ? { NEONHUB_PGLITE_TEMPLATE: process.env.NEONHUB_PGLITE_TEMPLATE } : {}),
      },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client.close().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('identifies itself and logs to stderr, not stdout', async () => {
    expect(client.getServerVersion()).toMatchObject({ name: 'neonhub-memory' });
    expect(stderr).toContain('memory store ready');
    expect(stderr).toContain('hash-v1-384');
  });

  it('lists the tools plugin.json declares, with annotations', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(manifest.tools.map((t) => t.name));
    for (const t of tools) {
      const declared = manifest.tools.find((d) => d.name === t.name)!;
      expect(t.description).toBe(declared.description);
      expect(t.annotations?.readOnlyHint).toBe(declared.sideEffect === 'read');
      expect(t.outputSchema?.type).toBe('object');
      expect(Object.keys(t.inputSchema.properties ?? {}).sort()).toEqual(
        Object.keys((declared.inputSchema.properties as object) ?? {}).sort(),
      );
    }
  });

  it('ingests and searches in the workspace of the host context', async () => {
    const ingest = await call('memory_ingest', { title: 'FAQ', content: shippingFaq, collection: 'kb' }, asWorkspace('ws-a'));
    expect(ingest.isError).toBeFalsy();
    const { documentId, chunks, deduplicated } = ingest.structuredContent as { documentId: string; chunks: number; deduplicated: boolean };
    expect(chunks).toBe(2);
    expect(deduplicated).toBe(false);
    expect(JSON.parse((ingest.content[0] as { text: string }).text)).toEqual(ingest.structuredContent);

    const search = await call('memory_search', { query: 'refund for returned shoes', mode: 'hybrid', limit: 3 }, asWorkspace('ws-a'));
    const hits = (search.structuredContent as { hits: { documentId: string; headingPath: string[] }[] }).hits;
    expect(hits[0]).toMatchObject({ documentId, headingPath: ['Shipping FAQ', 'Returns'] });

    for (const mode of ['vector', 'text', 'hybrid']) {
      const other = await call('memory_search', { query: 'refund for returned shoes', mode }, asWorkspace('ws-b'));
      expect((other.structuredContent as { hits: unknown[] }).hits).toEqual([]);
    }
    const got = await call('memory_get_document', { documentId }, asWorkspace('ws-b'));
    expect(got.isError).toBe(true);
    expect((got.content[0] as { text: string }).text).toMatch(/^NH_MEMORY_DOCUMENT_NOT_FOUND: /);
    expect(got._meta?.['neonhub/error']).toMatchObject({ code: 'NH_MEMORY_DOCUMENT_NOT_FOUND' });
  });

  it('refuses a call that names no workspace (no shared default), with a coded error', async () => {
    for (const [name, args] of [
      ['memory_ingest', { title: 'Voice', content: brandVoice, collection: 'voice' }],
      ['memory_search', { query: 'refund' }],
      ['memory_list_collections', {}],
    ] as const) {
      const res = await call(name, args);
      expect(res.isError).toBe(true);
      expect(res._meta?.['neonhub/error']).toMatchObject({ code: 'NH_MEMORY_WORKSPACE_REQUIRED' });
    }
    const inA = await call('memory_list_collections', {}, asWorkspace('ws-a'));
    expect((inA.structuredContent as { collections: { name: string }[] }).collections.map((c) => c.name)).toEqual(['kb']);
  });

  it('still reads the workspace of the older _meta["neonhub/context"]', async () => {
    const inA = await call('memory_list_collections', {}, { 'neonhub/context': { workspace: { id: 'ws-a', slug: 'ws-a' } } });
    expect((inA.structuredContent as { collections: { name: string }[] }).collections.map((c) => c.name)).toEqual(['kb']);
  });

  it('gets and deletes a document', async () => {
    const { structuredContent } = await call(
      'memory_ingest',
      { title: 'Tmp', content: 'A note about zeppelins.', collection: 'kb', format: 'text' },
      asWorkspace('ws-a'),
    );
    const { documentId } = structuredContent as { documentId: string };
    const doc = await call('memory_get_document', { documentId }, asWorkspace('ws-a'));
    expect(doc.structuredContent).toMatchObject({
      id: documentId,
      title: 'Tmp',
      format: 'text',
      chunks: [{ ord: 0, text: 'A note about zeppelins.' }],
    });
    const del = await call('memory_delete_document', { documentId }, asWorkspace('ws-a'));
    expect(del.structuredContent).toEqual({ documentId, deleted: true });
    const again = await call('memory_delete_document', { documentId }, asWorkspace('ws-a'));
    expect(again.structuredContent).toEqual({ documentId, deleted: false });
  });

  it('rejects invalid input with a tool error naming the field', async () => {
    const bad = await call('memory_search', { query: 'x', mode: 'semantic' });
    expect(bad.isError).toBe(true);
    expect((bad.content[0] as { text: string }).text).toContain('mode');
  });
});
