import { apiRoutes } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { authenticated } from '../authorize.js';
import { addRoute } from '../route.js';
import type { ApiDeps } from './deps.js';

/** The workspaces a principal can see, and creating one (its signed-in creator becomes owner). */
export async function workspaceRoutes(app: FastifyInstance, deps: ApiDeps) {
  const { service, repos } = deps;
  addRoute(app, apiRoutes.listWorkspaces, async (request) => {
    const p = authenticated(request);
    if (p.type === 'token') return { workspaces: [await service.resolveWorkspace(p.token.workspaceId)] };
    if (p.type === 'session') return { workspaces: await repos.workspaces.listForUser(p.user.id) };
    return { workspaces: await service.listWorkspaces() };
  });
  addRoute(app, apiRoutes.createWorkspace, async (request, reply) => {
    const p = authenticated(request);
    const workspace = await service.createWorkspace(request.body, p.type === 'session' ? { ownerUserId: p.user.id } : {});
    reply.status(201);
    return { workspace };
  });
}
