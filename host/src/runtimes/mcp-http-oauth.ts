import { extractWWWAuthenticateParams, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { isNeonHubError, workspaceMeta } from '@neonhub/schemas';
import { hostErrors } from '../errors.js';
import { fetchWithOwnSignal } from '../mcp/request-signal.js';
import { mcpOAuthErrors } from '../mcp-oauth/errors.js';
import {
  clientInfo,
  connectOutsideHttp,
  outsideFetch,
  outsideLister,
  outsideToolGate,
  statusReporter,
  watchTools,
} from './external-mcp.js';
import { callMcpTool } from './mcp-call.js';
import type { BackoffOptions } from './supervisor.js';
import type { Invocation, PluginRuntime, RuntimeOptions } from './types.js';

interface WorkspaceSession {
  client?: Client;
  connecting?: Promise<Client>;
}

/** The server refused this workspace's credentials in a way the SDK's auth() could not repair (401/403 after re-auth). */
function authRefused(err: unknown): boolean {
  const cause = (err as { cause?: unknown })?.cause ?? err;
  return (
    cause instanceof UnauthorizedError ||
    (cause instanceof StreamableHTTPError && (cause.code === 401 || cause.code === 403)) ||
    (err instanceof StreamableHTTPError && (err.code === 401 || err.code === 403))
  );
}

/**
 * An outside MCP server over Streamable HTTP behind OAuth (`runtime.oauth`): one upstream session per workspace,
 * each carrying its own workspace's token through the SDK's `authProvider` (so the transport's 401 refresh and
 * 403 `insufficient_scope` step-up apply per workspace, and a server that binds its MCP session to the user sees
 * one user per session). Tools are pinned as for every outside server: one gate per plugin, and every new
 * workspace session's listing is judged against the lock before its first call (a difference quarantines the tool
 * for everyone, fail closed). Resources and prompts are not passed through (they would need a workspace).
 */
export function createMcpHttpOAuthRuntime(opts: RuntimeOptions & { backoff?: BackoffOptions }): PluginRuntime {
  const { manifest } = opts;
  const spec = manifest.runtime;
  if (spec.type !== 'mcp-http' || !spec.oauth) throw new Error(`plugin ${manifest.id} is not an mcp-http plugin behind OAuth`);
  const oauth = opts.oauth;
  const logger = opts.logger.child({ plugin: manifest.id, runtime: 'mcp-http', auth: 'oauth' });
  const sessions = new Map<string, WorkspaceSession>();
  const status = statusReporter(opts);
  const gate = outsideToolGate(opts, logger);
  const list = outsideLister(manifest.id, logger);

  const connect = async (workspaceId: string): Promise<Client> => {
    if (!oauth) throw hostErrors.create('NH_PLUGIN_UNAVAILABLE', `plugin ${manifest.id} needs the host's OAuth store, which is not set up`);
    const authProvider = await oauth.providerFor(workspaceId);
    const guarded = fetchWithOwnSignal(outsideFetch(opts)); // discovery and token requests too: auth() uses this fetch
    const transport = new StreamableHTTPClientTransport(new URL(spec.url), {
      authProvider,
      fetch: async (input, init) => {
        const res = await guarded(input, init);
        if (res.status === 403) {
          // step-up: the scope a 403 insufficient_scope names is kept for the workspace's next connect
          const { error, scope } = extractWWWAuthenticateParams(res);
          if (error === 'insufficient_scope' && scope) await authProvider.rememberScope(scope);
        }
        return res;
      },
    });
    const c = await connectOutsideHttp(opts, new Client(clientInfo, { capabilities: {} }), transport, (err) => {
      if (isNeonHubError(err)) return err;
      if (authRefused(err))
        return mcpOAuthErrors.create(
          'NH_MCP_OAUTH_NOT_CONNECTED',
          `${manifest.id} refused this workspace's OAuth grant: connect it again`,
          {
            details: { plugin: manifest.id },
            cause: err,
          },
        );
      return undefined;
    });
    watch.onClient(c);
    return c;
  };

  /** The workspace's session, connecting it when needed; a new one's tools are judged before it is used (`judge`). */
  const ensure = async (workspaceId: string, judge: boolean): Promise<Client> => {
    let s = sessions.get(workspaceId);
    if (s?.client) return s.client;
    if (!s) {
      s = {};
      sessions.set(workspaceId, s);
    }
    const session = s;
    session.connecting ??= connect(workspaceId)
      .then((c) => {
        session.client = c;
        status.set('ready');
        return c;
      })
      .catch((err) => {
        if (sessions.get(workspaceId) === session) sessions.delete(workspaceId);
        throw err;
      })
      .finally(() => {
        session.connecting = undefined;
      });
    const c = await session.connecting;
    if (judge) await gate.refresh('restart', () => list(c));
    return c;
  };

  const drop = (workspaceId: string) => {
    const s = sessions.get(workspaceId);
    sessions.delete(workspaceId);
    void s?.client?.close().catch(() => {});
  };

  /** A session to list the tools through: an open one, else the most recently connected workspace that answers. */
  const listingClient = async (): Promise<Client> => {
    for (const s of sessions.values()) if (s.client) return s.client;
    let last: unknown;
    for (const id of (await oauth?.connectedWorkspaces()) ?? []) {
      try {
        return await ensure(id, false);
      } catch (err) {
        last = err;
        if (isNeonHubError(err) && err.code === 'NH_PLUGIN_UNAVAILABLE') throw err; // the server is down: no use trying others
      }
    }
    throw (
      last ??
      mcpOAuthErrors.create('NH_MCP_OAUTH_NOT_CONNECTED', `no workspace has connected its account to ${manifest.id} yet`, {
        details: { plugin: manifest.id },
      })
    );
  };
  const watch = watchTools(opts, gate, listingClient, logger);

  return {
    kind: 'mcp-http',
    get status() {
      return status.get();
    },
    async start() {
      status.set('starting');
      try {
        await gate.initial(async () => list(await listingClient()));
      } catch (err) {
        if (isNeonHubError(err) && err.code === 'NH_PLUGIN_UNAVAILABLE') {
          status.set('stopped');
          throw err;
        }
        // Nobody connected yet (or every grant was refused): no tools until a workspace connects; then they are listed and judged.
        logger.info(
          { plugin: manifest.id, reason: (err as Error).message },
          'no workspace has a working OAuth grant yet: tools appear once one connects',
        );
        await gate.initial(async () => []);
      }
      status.set('ready');
    },
    async listTools() {
      return gate.tools();
    },
    async invoke(call: Invocation) {
      const ws = call.context.workspace;
      const c = await ensure(ws.id, true);
      await gate.admit(call.tool);
      try {
        return await callMcpTool(c, {
          pluginId: manifest.id,
          tool: call.tool,
          input: call.input,
          timeoutMs: call.timeoutMs,
          meta: workspaceMeta(ws),
        });
      } catch (err) {
        const refused = authRefused(err);
        const gone =
          refused ||
          (isNeonHubError(err) && err.code.startsWith('NH_MCP_OAUTH_')) ||
          (err as { code?: string }).code === 'NH_PLUGIN_UNAVAILABLE' ||
          (err as { cause?: unknown }).cause instanceof TypeError;
        if (gone && sessions.get(ws.id)?.client === c) drop(ws.id); // the next call connects again
        if (refused)
          throw mcpOAuthErrors.create(
            'NH_MCP_OAUTH_NOT_CONNECTED',
            `${manifest.id} refused workspace ${ws.slug}'s OAuth grant: an admin connects it again with \`neonhub plugin connect ${manifest.id} -w ${ws.slug}\``,
            { details: { plugin: manifest.id, workspace: ws.slug }, cause: err },
          );
        throw err;
      }
    },
    grantChanged(workspaceId, connected) {
      drop(workspaceId);
      if (!connected) return;
      // list the tools through the workspace that just connected (the first one makes them appear)
      return gate
        .refresh('recheck', async () => list(await ensure(workspaceId, false)))
        .catch((err) => logger.warn({ err, plugin: manifest.id }, 'listing the tools through the newly connected workspace failed'));
    },
    recheckTools: () => gate.refresh('recheck', async () => list(await listingClient())),
    quarantinedTools: () => gate.quarantined(),
    async stop() {
      watch.stop();
      const all = [...sessions.keys()];
      for (const id of all) drop(id);
      status.set('stopped');
    },
  };
}
