import { createLogger } from '../../logger.js';
import { createTokenCommand, serveWorkspaceStdio } from '../../mcp/index.js';
import { withHost } from '../context.js';

/** `neonhub mcp --workspace <slug>`: the workspace as an MCP server on stdio (stdout is the protocol; logs go to stderr). */
export async function mcp(opts: { workspace: string }) {
  await withHost({ purpose: 'neonhub mcp', seed: true, quiet: true }, async (host) => {
    const handle = await serveWorkspaceStdio(
      {
        registry: host.registry,
        callTool: host.callTool,
        workspaces: host.storage.workspaces,
        logger: createLogger(process.env.LOG_LEVEL ?? 'warn'),
      },
      opts.workspace,
    );
    await handle.closed;
  });
}

export async function tokenCreate(opts: { workspace: string; role: string; name: string }) {
  await withHost({ plugins: false, purpose: 'neonhub token create' }, async (host) => {
    await createTokenCommand({ tokens: host.storage.tokens, workspaces: host.storage.workspaces }, opts);
  });
}
