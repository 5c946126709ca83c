import { apiRoutes } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { requestActor } from '../../accounts/principal.js';
import { addRoute } from '../route.js';
import { scoped } from '../scopes.js';
import type { ApiDeps } from './deps.js';

/**
 * A workspace's tools, tool calls and call record. The call route needs only viewer: the call
 * pipeline authorizes the call by the caller's role and the tool's side effect (viewers: none/read).
 */
export async function toolRoutes(app: FastifyInstance, { host, service, repos }: ApiDeps) {
  addRoute(app, apiRoutes.listTools, async (request) => {
    const { workspaceId } = scoped(request);
    const enabled = await service.listEnabledPlugins(workspaceId);
    return {
      tools: host.registry.toolsOf(enabled.map((p) => p.pluginId)).map((t) => ({
        name: t.qualifiedName,
        description: t.definition.description,
        sideEffect: t.definition.sideEffect,
        inputSchema: t.definition.inputSchema as Record<string, unknown>,
      })),
    };
  });

  addRoute(app, apiRoutes.callTool, async (request) => {
    const { workspaceId, workspace } = scoped(request);
    const body = request.body;
    return host.callTool({
      workspace: workspace ?? workspaceId,
      tool: request.params.tool,
      input: body.input ?? {},
      actor: requestActor(request),
      ...(body.idempotencyKey ? { idempotencyKey: body.idempotencyKey } : {}),
    });
  });

  addRoute(app, apiRoutes.listCalls, async (request) => {
    const { workspaceId } = scoped(request);
    const { limit, plugin } = request.query ?? {};
    return { calls: await repos.toolCalls.listRecent(workspaceId, { limit: limit ?? 50, ...(plugin ? { pluginId: plugin } : {}) }) };
  });
}
