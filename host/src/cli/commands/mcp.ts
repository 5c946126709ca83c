import { TokenBodySchema, UuidSchema } from '@neonhub/schemas';
import { hostErrors } from '../../errors.js';
import { createdTokenText, createTokenCommand } from '../../mcp/cli.js';
import { parseBody } from '../../server/parse-body.js';
import { withHost, withStorage } from '../context.js';
import { out } from '../output.js';
import { hostApi, runningHost } from '../running-host.js';

/** `neonhub mcp --workspace <slug>`: the workspace as an MCP server on stdio (stdout is the protocol; logs go to stderr). */
export async function mcp(opts: { workspace: string }) {
  // While `neonhub start` runs, relay to its /mcp as the operator: no second host boots (docs/mcp.md).
  const running = runningHost();
  if (running) return (await import('../mcp-proxy.js')).proxyStdioToHost({ url: running, workspace: opts.workspace });
  // No host: initialize is answered at once; the database opens and plugins start behind it, and join as they are ready.
  const early = await (await import('../mcp-early.js')).answerInitializeEarly(opts.workspace);
  const [{ createMcpGateway }, { LOCAL_OPERATOR }, { createLogger }] = await Promise.all([
    import('../../mcp/gateway.js'),
    import('../../mcp/stdio.js'),
    import('../../logger.js'),
  ]);
  try {
    await withHost({ purpose: 'neonhub mcp', seed: true, quiet: true, waitForPlugins: false }, async (host) => {
      const workspace = await host.storage.workspaces.resolve(opts.workspace);
      const gateway = createMcpGateway({
        registry: host.registry,
        callTool: host.callTool,
        workspaces: host.storage.workspaces,
        logger: createLogger(process.env.LOG_LEVEL ?? 'warn'),
      });
      const session = gateway.open(workspace, LOCAL_OPERATOR);
      await early.handOff(session.server);
      // a plugin joined, or an outside tool was quarantined (or lifted): the client re-lists
      const notify = () => void session.notifyToolsChanged().catch(() => {});
      const off = host.onPluginToolsChanged(notify);
      const offJoined = host.plugins.onChange((s) => {
        if (s.status === 'ready') notify();
      });
      // finished calls as notifications/message, at the level the client set (as on /mcp)
      const offCalls = host.onToolCall((record) => gateway.logToolCall(record));
      await early.closed;
      offCalls();
      offJoined();
      off();
      session.release();
    });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    await early.fail(e.code ? `${e.code}: ${e.message}` : `NH_INTERNAL: ${String(e.message ?? err)}`);
    throw err;
  }
}

export async function tokenCreate(opts: { workspace: string; role: string; name: string }) {
  const running = runningHost();
  if (running) {
    // Through the running host's API (it holds the embedded database); printed as the direct path prints it.
    const body = parseBody(TokenBodySchema, { role: opts.role, name: opts.name });
    const created = await hostApi(running, 'createToken', { params: { ws: opts.workspace }, body });
    process.stdout.write(createdTokenText(opts.workspace, created));
    return;
  }
  await withStorage({ purpose: 'neonhub token create' }, async (storage) => {
    await createTokenCommand({ tokens: storage.tokens, workspaces: storage.workspaces }, opts);
  });
}

const when = (d: Date | string | null) => (d ? new Date(d).toISOString().replace('T', ' ').slice(0, 19) : '-');

/** `neonhub token list -w <slug> [--all] [--json]`: the workspace's active tokens (`--all`: revoked too), newest first; never a secret. */
export async function tokenList(opts: { workspace: string; all?: boolean; json?: boolean }) {
  const running = runningHost();
  const tokens = running
    ? (await hostApi(running, 'listTokens', { params: { ws: opts.workspace }, ...(opts.all ? { query: { all: 'true' as const } } : {}) }))
        .tokens
    : await withStorage({ purpose: 'neonhub token list' }, async (storage) => {
        const ws = await storage.workspaces.resolve(opts.workspace);
        return storage.tokens.list(ws.id, { revoked: opts.all === true });
      });
  if (opts.json) return out.json(tokens);
  if (!tokens.length) return out.line(`no API tokens in ${opts.workspace} (create one with \`neonhub token create -w ${opts.workspace}\`)`);
  out.table(
    tokens.map((t) => ({
      id: t.id,
      name: t.name,
      role: t.role,
      created: when(t.createdAt),
      'last used': when(t.lastUsedAt),
      status: t.revokedAt ? `revoked ${when(t.revokedAt)}` : 'active',
    })),
    ['id', 'name', 'role', 'created', 'last used', 'status'],
  );
}

/** `neonhub token revoke <id> -w <slug>`: refused from now on (NH_AUTH_TOKEN_NOT_FOUND if no active token has that id). */
export async function tokenRevoke(id: string, opts: { workspace: string }) {
  const running = runningHost();
  if (running) {
    // The API refuses an id that is not a uuid (400); the CLI answers as without a running host: no such token.
    if (!UuidSchema.safeParse(id).success)
      throw hostErrors.create(
        'NH_AUTH_TOKEN_NOT_FOUND',
        `no active API token has the id ${id} in this workspace (\`neonhub token list\` shows the ids)`,
        {
          details: { id },
        },
      );
    await hostApi(running, 'revokeToken', { params: { ws: opts.workspace, id } });
  } else
    await withStorage({ purpose: 'neonhub token revoke' }, async (storage) => {
      await storage.tokens.revoke((await storage.workspaces.resolve(opts.workspace)).id, id);
    });
  out.ok(`revoked API token ${id} of ${opts.workspace}: requests with it are refused from now on`);
}
