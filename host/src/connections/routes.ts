import { apiRoutes, isNeonHubError } from '@neonhub/schemas';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Host } from '../host.js';
import { addRoute } from '../server/route.js';
import { scoped } from '../server/scopes.js';

/** The host's public base URL: NEONHUB_PUBLIC_URL, else this request's own origin (its Host was checked by the trust boundary). */
export function publicBase(request: FastifyRequest, configured: string | undefined): string {
  return (configured ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
}

/** The OAuth redirect URL every connector's OAuth app registers (docs/connectors.md, "Connected accounts"). */
export const OAUTH_CALLBACK_PATH = '/api/connections/oauth/callback';

/** The console page a finished OAuth connection returns to. */
const connectionsPage = (slug: string, query: Record<string, string>) =>
  `/w/${encodeURIComponent(slug)}/connections?${new URLSearchParams(query)}`;

function actorName(request: FastifyRequest): string {
  const p = request.principal;
  return p?.type === 'session' ? p.user.id : p?.type === 'token' ? `token:${p.token.id}` : (p?.type ?? 'unknown');
}

/** Connected accounts of a workspace (admins change them; viewers see status and last error, never a secret). */
export async function connectionRoutes(app: FastifyInstance, deps: { host: Host; publicBaseUrl?: string | undefined }) {
  const { host } = deps;
  const connections = host.storage.connections;
  const service = host.storage.service;

  addRoute(app, apiRoutes.listConnections, async (request) => {
    const { workspaceId } = scoped(request);
    const enabled = new Set((await service.listEnabledPlugins(workspaceId)).map((p) => p.pluginId));
    const installed = host.registry.plugins().map((p) => p.manifest.id);
    return {
      connections: await connections.list(workspaceId),
      connectors: connections.connectors((id) => enabled.has(id), installed),
    };
  });
  addRoute(app, apiRoutes.addConnection, async (request, reply) => {
    const connection = await connections.add(scoped(request).workspaceId, request.body, actorName(request));
    reply.status(201);
    return { connection };
  });
  addRoute(app, apiRoutes.updateConnection, async (request) => ({
    connection: await connections.update(scoped(request).workspaceId, request.params.connection, request.body),
  }));
  addRoute(app, apiRoutes.revokeConnection, async (request) => ({
    connection: await connections.revoke(scoped(request).workspaceId, request.params.connection),
  }));
  addRoute(app, apiRoutes.removeConnection, async (request, reply) => {
    await connections.remove(scoped(request).workspaceId, request.params.connection);
    reply.status(204);
    return undefined;
  });
  addRoute(app, apiRoutes.testConnection, async (request) => {
    const { workspaceId } = scoped(request);
    const ref = request.params.connection;
    const checks: { check: string; ok: boolean; message: string }[] = [];
    const run = async (check: string, fn: () => Promise<string>) => {
      try {
        checks.push({ check, ok: true, message: await fn() });
        return true;
      } catch (err) {
        checks.push({ check, ok: false, message: isNeonHubError(err) ? `${err.code}: ${err.message}` : String(err) });
        return false;
      }
    };
    const view = await connections.view(workspaceId, ref);
    let ok = view.status !== 'revoked';
    if (!ok) checks.push({ check: 'status', ok: false, message: 'the connection is revoked' });
    let refreshable = false;
    if (ok)
      ok = await run('credentials', async () => {
        refreshable = (await connections.checkCredentials(workspaceId, ref)).hasRefreshToken;
        return 'the credentials decrypt';
      });
    if (ok && view.authType === 'oauth2' && refreshable)
      ok = await run('oauth refresh', async () => {
        const after = await connections.refreshNow(workspaceId, ref);
        return `the provider refreshed the token (expires ${after.tokenExpiresAt ?? 'never'})`;
      });
    const testTool = `${view.plugin}:test_connection`;
    if (ok && host.registry.plugin(view.plugin)?.manifest.tools.some((t) => t.name === 'test_connection'))
      ok = await run('test_connection', async () => {
        await host.callTool({
          workspace: workspaceId,
          tool: testTool,
          input: { connection: view.id },
          actor: { type: 'system', id: `connection-test:${actorName(request)}` },
        });
        return `${testTool} answered`;
      });
    return { ok, connection: await connections.view(workspaceId, ref), checks };
  });
  addRoute(app, apiRoutes.startConnectionOAuth, async (request) => {
    const { workspaceId, userId } = scoped(request);
    return connections.startOAuth(workspaceId, request.body, {
      userId: userId ?? null,
      redirectUri: `${publicBase(request, deps.publicBaseUrl)}${OAUTH_CALLBACK_PATH}`,
    });
  });
  addRoute(app, apiRoutes.listConnectorEvents, async (request) => ({
    events: (await host.storage.connectorEvents.list(scoped(request).workspaceId, request.query)).map(({ workspaceId: _, ...e }) => e),
  }));
}

/**
 * The OAuth redirect URL (public: the provider sends the browser here). The state must be one this host issued to
 * the same signed-in user (or, for a flow the operator started from the CLI, to nobody); answers 303 to the
 * workspace's Connections page with `connected=<id>` or `error=<code>`.
 */
export async function connectionCallbackRoute(app: FastifyInstance, deps: { host: Host }) {
  addRoute(app, apiRoutes.connectionOAuthCallback, async (request, reply) => {
    const p = request.principal;
    const params = new URLSearchParams(request.query as Record<string, string>);
    const result = await deps.host.storage.connections.finishOAuth(params, { userId: p?.type === 'session' ? p.user.id : null });
    const ws = await deps.host.storage.service.resolveWorkspace(result.workspaceId);
    if (result.error) request.log.warn({ err: result.error }, 'an OAuth connection failed');
    const code = result.error && isNeonHubError(result.error) ? result.error.code : 'NH_CONNECTION_OAUTH_FAILED';
    reply.redirect(connectionsPage(ws.slug, result.connection ? { connected: result.connection.id } : { error: code }), 303);
    return undefined;
  });
}
