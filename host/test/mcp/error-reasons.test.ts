import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceMcpServer } from '../../src/mcp/index.js';
import { bootHost, lockRoot, makeRoot, removeRoot, repoPlugin } from '../integration/helpers.js';

type Booted = Awaited<ReturnType<typeof bootHost>>;
let root: string;
let host: Booted;
let client: Client;

beforeAll(async () => {
  root = makeRoot('mcp-reasons', [{ from: repoPlugin('agent-seo'), link: true }]);
  await lockRoot(root);
  host = await bootHost(root);
  await host.storage.service.createWorkspace({ slug: 'acme', name: 'Acme' });
  await host.storage.service.enablePlugin('acme', 'agent-seo');
  const ws = await host.storage.workspaces.resolve('acme');
  const mcp = createWorkspaceMcpServer({
    registry: host.registry,
    callTool: host.callTool,
    workspace: { id: ws.id, slug: ws.slug },
    enabledPlugins: async () => (await host.storage.service.listEnabledPlugins('acme')).map((p) => p.pluginId),
    principal: { id: 'test-owner', type: 'user', role: 'owner' },
  });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await mcp.server.connect(a);
  client = new Client({ name: 'reasons-test', version: '1.0.0' });
  await client.connect(b);
}, 120_000);

afterAll(async () => {
  await client?.close();
  await host?.close();
  removeRoot(root);
});

describe('errors over MCP carry their reason and the fix', () => {
  it('an input a refinement rejects says why (not only under NEONHUB_DEBUG)', async () => {
    const r = await client.callTool({ name: 'agent-seo__analyze_page', arguments: { text: 'Hello.', html: '<p>Hello.</p>' } });
    expect(r.isError).toBe(true);
    expect((r.content as { text: string }[])[0]!.text).toBe(
      'NH_TOOL_INPUT_INVALID: input for agent-seo:analyze_page is invalid: give exactly one of text or html',
    );
  });

  it('a schema violation names the field', async () => {
    const r = await client.callTool({ name: 'agent-seo__analyze_page', arguments: { text: 42 } });
    expect(r.isError).toBe(true);
    expect((r.content as { text: string }[])[0]!.text).toMatch(
      /^NH_TOOL_INPUT_INVALID: input for agent-seo:analyze_page is invalid: text: Invalid input: expected string, received number/,
    );
  });

  it('a tool named the CLI way gets one MCP prefix and the MCP name to use', async () => {
    const err = (await client.callTool({ name: 'agent-seo:analyze_page', arguments: {} }).catch((e: unknown) => e)) as McpError;
    expect(err).toBeInstanceOf(McpError);
    expect(err.code).toBe(-32602);
    expect(err.message).toBe(
      'MCP error -32602: NH_TOOL_NOT_FOUND: no tool agent-seo:analyze_page in workspace acme (MCP tool names use __, not ":": call agent-seo__analyze_page)',
    );
  });

  it('an unknown tool names the MCP naming scheme, and a disabled plugin the command that enables it', async () => {
    const unknown = (await client.callTool({ name: 'agent-seo__nope', arguments: {} }).catch((e: unknown) => e)) as McpError;
    expect(unknown.message).toBe(
      "MCP error -32602: NH_TOOL_NOT_FOUND: no tool agent-seo__nope in workspace acme (tools are named <plugin-id>__<tool_name>; tools/list shows the workspace's tools)",
    );
    await host.storage.service.disablePlugin('acme', 'agent-seo');
    try {
      const off = (await client
        .callTool({ name: 'agent-seo__analyze_page', arguments: { text: 'x' } })
        .catch((e: unknown) => e)) as McpError;
      expect(off.message).toBe(
        'MCP error -32602: NH_TOOL_NOT_ENABLED: agent-seo__analyze_page is not enabled in workspace acme: an admin enables it with `neonhub plugin enable agent-seo --workspace acme`',
      );
    } finally {
      await host.storage.service.enablePlugin('acme', 'agent-seo');
    }
  });
});
