import { apiRoutes, isNeonHubError } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { publicBase } from '../connections/routes.js';
import type { Host } from '../host.js';
import { addRoute } from '../server/route.js';
import { scoped } from '../server/scopes.js';
import { MCP_OAUTH_CALLBACK_PATH } from './service.js';

/** The console's plugin page a finished connection returns to. */
const pluginPage = (slug: string, pluginId: string, query: Record<string, string>) =>
  `/w/${encodeURIComponent(slug)}/plugins/${encodeURIComponent(pluginId)}?${new URLSearchParams(query)}`;

/** A workspace's OAuth grants at outside MCP servers: status (viewers), connect and disconnect (admins). */
export async function pluginOAuthRoutes(app: FastifyInstance, deps: { host: Host; publicBaseUrl?: string | undefined }) {
  const svc = deps.host.storage.mcpOAuth;
  addRoute(app, apiRoutes.getPluginOAuth, async (request) => svc.status(scoped(request).workspaceId, request.params.id));
  addRoute(app, apiRoutes.startPluginOAuth, async (request) => {
    const { workspaceId, userId } = scoped(request);
    return svc.start(workspaceId, request.params.id, request.body, {
      userId: userId ?? null,
      redirectUri: `${publicBase(request, deps.publicBaseUrl)}${MCP_OAUTH_CALLBACK_PATH}`,
    });
  });
  addRoute(app, apiRoutes.disconnectPluginOAuth, async (request, reply) => {
    await svc.disconnect(scoped(request).workspaceId, request.params.id);
    reply.status(204);
    return undefined;
  });
}

/**
 * The redirect URL of outside MCP servers' authorization servers (public: the browser arrives here). The state must
 * be one this host issued to the same signed-in user (or, started from the CLI, to nobody); answers 303 to the
 * plugin's page with `connected=1` or `oauth_error=<code>`.
 */
export async function pluginOAuthCallbackRoute(app: FastifyInstance, deps: { host: Host }) {
  addRoute(app, apiRoutes.pluginOAuthCallback, async (request, reply) => {
    const p = request.principal;
    const params = new URLSearchParams(request.query as Record<string, string>);
    const result = await deps.host.storage.mcpOAuth.finish(params, { userId: p?.type === 'session' ? p.user.id : null });
    if (result.error) request.log.warn({ err: result.error, plugin: result.pluginId }, 'connecting an outside MCP server failed');
    const code = result.error ? (isNeonHubError(result.error) ? result.error.code : 'NH_MCP_OAUTH_FAILED') : undefined;
    reply.redirect(pluginPage(result.workspaceSlug, result.pluginId, code ? { oauth_error: code } : { connected: '1' }), 303);
    return undefined;
  });
}
