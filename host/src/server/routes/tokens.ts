import { apiRoutes } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { atLeast } from '../../accounts/principal.js';
import { forbidden } from '../authorize.js';
import { addRoute } from '../route.js';
import { scoped } from '../scopes.js';
import type { ApiDeps } from './deps.js';

/** A workspace's API tokens (admins): list, create (shown once, a role no higher than the creator's), revoke. */
export async function tokenRoutes(app: FastifyInstance, { tokens }: ApiDeps) {
  addRoute(app, apiRoutes.listTokens, async (request) => ({
    tokens: await tokens.list(scoped(request).workspaceId, { revoked: request.query?.all === 'true' }),
  }));

  addRoute(app, apiRoutes.createToken, async (request, reply) => {
    const { workspaceId, role } = scoped(request);
    const body = request.body;
    if (!atLeast(role, body.role))
      throw forbidden(body.role, role, `a token cannot have a higher role (${body.role}) than its creator (${role})`);
    const created = await tokens.create({ workspaceId, role: body.role, name: body.name });
    reply.status(201);
    return created;
  });

  addRoute(app, apiRoutes.revokeToken, async (request, reply) => {
    await tokens.revoke(scoped(request).workspaceId, request.params.id);
    reply.status(204);
    return undefined;
  });
}
