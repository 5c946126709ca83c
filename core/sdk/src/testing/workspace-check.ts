import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { WORKSPACE_META_KEY, type WorkspaceMeta } from '@neonhub/schemas';
import { z } from 'zod';
import { CONTEXT_META_KEY } from '../serve/meta.js';
import { type ServePluginOptions, servePlugin } from '../serve/server.js';
import type { PluginDefinition } from '../types.js';

/** What serves the plugin in the check (servePlugin; a test passes a broken one to see the check fail). */
export type Serve = (def: PluginDefinition, opts: ServePluginOptions) => Promise<{ close(): Promise<void> }>;

const workspaces: WorkspaceMeta[] = [
  { id: 'conformance-ws-alpha', slug: 'alpha' },
  { id: 'conformance-ws-beta', slug: 'beta' },
];

/** `_meta` as a host sends it: an outside server (mcp-stdio, mcp-http) gets the workspace only; isolated gets the full context too. */
const wires: Record<string, (ws: WorkspaceMeta) => Record<string, unknown>> = {
  'mcp-stdio/mcp-http': (ws) => ({ [WORKSPACE_META_KEY]: ws }),
  isolated: (ws) => ({
    [WORKSPACE_META_KEY]: ws,
    [CONTEXT_META_KEY]: {
      workspace: ws,
      actor: { type: 'system', id: 'conformance' },
      config: {},
      secrets: {},
      idempotencyKey: `conformance-${ws.id}`,
      callId: `conformance-${ws.id}`,
      hosts: [],
    },
  }),
};

/**
 * Serves the plugin over MCP as the host runs it out of process, calls every tool from two
 * workspaces in each wire form, and returns a problem for each call whose tool did not see the
 * calling workspace in `ctx.workspace`. The tools' `run` is replaced by a probe (no input is
 * needed and nothing runs): what is checked is the path from the host's `_meta` to `ctx`.
 */
export async function workspaceReachesTools(plugin: PluginDefinition, serve: Serve = servePlugin): Promise<string[]> {
  const seen: (WorkspaceMeta | undefined)[] = [];
  const probe: PluginDefinition = {
    ...plugin,
    tools: plugin.tools.map((t) => ({
      ...t,
      input: z.unknown(),
      output: z.record(z.string(), z.unknown()),
      run: (_input, ctx) => {
        seen.push(ctx.workspace ? { id: ctx.workspace.id, slug: ctx.workspace.slug } : undefined);
        return {};
      },
    })),
  };
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const served = await serve(probe, { transport: serverSide, writeLog: () => {} });
  const client = new Client({ name: 'neonhub-conformance', version: '1.0.0' });
  const problems: string[] = [];
  try {
    await client.connect(clientSide);
    for (const tool of plugin.tools)
      for (const [wire, meta] of Object.entries(wires))
        for (const ws of workspaces) {
          seen.length = 0;
          const result = (await client.callTool({ name: tool.name, arguments: {}, _meta: meta(ws) })) as CallToolResult;
          const got = seen[0];
          if (result.isError || !got) problems.push(`tool ${tool.name} (${wire}) did not run: ${JSON.stringify(result.content)}`);
          else if (got.id !== ws.id || got.slug !== ws.slug)
            problems.push(`tool ${tool.name} (${wire}) was called from workspace ${ws.slug} but ctx.workspace is ${JSON.stringify(got)}`);
        }
  } finally {
    await client.close().catch(() => {});
    await served.close().catch(() => {});
  }
  return problems;
}
