import { apiRoutes } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { addRoute } from '../route.js';
import { scoped } from '../scopes.js';
import type { ApiDeps } from './deps.js';

/**
 * A workspace's outbound allow-list (docs/security.md, "Outbound requests"): admins read it; only the operator
 * changes it, since a workspace admin who could allow-list 127.0.0.1:5432 could point the model at the host's
 * database again.
 */
export async function outboundRoutes(app: FastifyInstance, { host }: ApiDeps) {
  const outbound = host.storage.outbound;
  addRoute(app, apiRoutes.getOutbound, async (request) => ({ outbound: await outbound.get(scoped(request).workspaceId) }));
  addRoute(app, apiRoutes.setOutbound, async (request) => ({ outbound: await outbound.set(scoped(request).workspaceId, request.body) }));
}
