import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { checkMcpWorkspaceIsolation, type McpIsolationProbe } from './mcp-isolation.js';

/** A notes server; `scoped: false` is the bug of issue 12: every call shares one `default` workspace. */
async function notesServer(scoped: boolean) {
  const notes = new Map<string, string[]>();
  const server = new Server({ name: 'notes', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [] }));
  server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const named = (req.params._meta?.['io.neonhub/workspace'] as { id?: string } | undefined)?.id;
    if (scoped && !named) return { isError: true, content: [{ type: 'text', text: 'NH_X_WORKSPACE_REQUIRED' }] };
    const ws = scoped ? named! : 'default';
    if (req.params.name === 'add') notes.set(ws, [...(notes.get(ws) ?? []), String(req.params.arguments?.text)]);
    return { content: [{ type: 'text', text: JSON.stringify(notes.get(ws) ?? []) }] };
  });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  const client = new Client({ name: 'isolation-test', version: '1.0.0' });
  await client.connect(a);
  return client;
}

const probe: McpIsolationProbe = {
  write: (marker) => ({ name: 'add', arguments: { text: marker } }),
  read: () => ({ name: 'list', arguments: {} }),
};

describe('checkMcpWorkspaceIsolation', () => {
  it('passes a server that scopes every call by the workspace and refuses calls without one', async () => {
    expect(await checkMcpWorkspaceIsolation(await notesServer(true), probe)).toEqual([]);
  });

  it('finds the leak of a server that falls back to a shared workspace', async () => {
    expect(await checkMcpWorkspaceIsolation(await notesServer(false), probe)).toEqual([
      'what was stored in workspace A is visible from workspace B (list)',
      'a call that names no workspace was answered (list, with workspace A’s data): refuse it instead of using a shared default',
    ]);
  });
});
