import { apiRoutes } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { addRoute } from '../route.js';
import { scoped } from '../scopes.js';
import type { ApiDeps } from './deps.js';

/** The workspace's language model: viewers read it, admins set or clear it; the key is write-only. */
export async function llmRoutes(app: FastifyInstance, { host }: ApiDeps) {
  const llm = host.storage.llm;
  addRoute(app, apiRoutes.getLlm, async (request) => ({ llm: await llm.get(scoped(request).workspaceId) }));
  addRoute(app, apiRoutes.setLlm, async (request) => ({ llm: await llm.set(scoped(request).workspaceId, request.body) }));
  addRoute(app, apiRoutes.clearLlm, async (request) => ({ llm: await llm.clear(scoped(request).workspaceId) }));
}
