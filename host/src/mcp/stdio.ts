import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpGateway, type McpGateway, type McpGatewayDeps } from './gateway.js';
import type { McpPrincipal } from './providers.js';

/** The principal of `neonhub mcp`: whoever can start the process owns the local host. */
export const LOCAL_OPERATOR: McpPrincipal = { id: 'local-operator', type: 'user', role: 'owner', name: 'local operator' };

export interface StdioHandle {
  gateway: McpGateway;
  workspace: { id: string; slug: string };
  /** Resolves when the client disconnects (stdin ends) or close() is called. */
  closed: Promise<void>;
  notifyToolsChanged(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves one workspace over stdio (`neonhub mcp --workspace <slug>`) as the local operator (role
 * owner). stdout carries only the protocol: the caller must send every log line to stderr.
 */
export async function serveWorkspaceStdio(
  deps: McpGatewayDeps & { gateway?: McpGateway; stdin?: Readable; stdout?: Writable },
  workspaceSlug: string,
): Promise<StdioHandle> {
  const gateway = deps.gateway ?? createMcpGateway(deps);
  const workspace = await deps.workspaces.resolve(workspaceSlug);
  const mcp = gateway.open(workspace, LOCAL_OPERATOR);
  const transport = new StdioServerTransport(deps.stdin, deps.stdout);
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => {
    resolveClosed = r;
  });
  mcp.server.onclose = () => {
    mcp.release();
    resolveClosed();
  };
  const stdin = deps.stdin ?? process.stdin;
  stdin.once('end', () => void mcp.server.close());
  await mcp.server.connect(transport);
  return {
    gateway,
    workspace,
    closed,
    notifyToolsChanged: () => mcp.notifyToolsChanged(),
    close: () => mcp.server.close(),
  };
}
