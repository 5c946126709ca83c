import { apiRoutes } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { addRoute } from '../route.js';
import { scoped } from '../scopes.js';
import type { ApiDeps } from './deps.js';

/**
 * A workspace's outbox (docs/outbox.md): viewers see the list (status, recipients, attempts, last error); admins
 * open a message (its input and result), retry a dead one and cancel one not yet sent.
 */
export async function outboxRoutes(app: FastifyInstance, { host }: ApiDeps) {
  addRoute(app, apiRoutes.listOutbox, async (request) => {
    const q = request.query ?? {};
    return host.outbox.list(scoped(request).workspaceId, {
      ...(q.status ? { status: q.status } : {}),
      ...(q.plugin ? { pluginId: q.plugin } : {}),
      ...(q.limit ? { limit: q.limit } : {}),
      ...(q.before ? { before: q.before } : {}),
    });
  });
  addRoute(app, apiRoutes.getOutboxMessage, async (request) => ({
    message: await host.outbox.get(scoped(request).workspaceId, request.params.id),
  }));
  addRoute(app, apiRoutes.retryOutboxMessage, async (request) => ({
    message: await host.outbox.retry(scoped(request).workspaceId, request.params.id),
  }));
  addRoute(app, apiRoutes.cancelOutboxMessage, async (request) => ({
    message: await host.outbox.cancel(scoped(request).workspaceId, request.params.id),
  }));
}
