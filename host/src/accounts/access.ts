import type { Role } from '@neonhub/schemas';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hostErrors } from '../errors.js';
import type { AccountDeps } from './deps.js';
import { atLeast, resolvePrincipal } from './principal.js';
import type { SessionService } from './sessions.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF for JSON routes: a state-changing /api request that is not bearer-authenticated must not
 * come from another site. Browsers send Sec-Fetch-Site (and Origin on POST); other clients send neither.
 */
export function checkSameOrigin(request: FastifyRequest) {
  if (!UNSAFE.has(request.method) || !request.url.startsWith('/api/')) return;
  if (request.headers.authorization?.toLowerCase().startsWith('bearer ')) return;
  const site = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  let crossSite = site === 'cross-site' || site === 'same-site';
  if (!crossSite && origin !== undefined) {
    try {
      crossSite = new URL(origin).host !== request.headers.host;
    } catch {
      crossSite = true; // "null" or garbage
    }
  }
  if (crossSite)
    throw hostErrors.create('NH_AUTH_CSRF', 'this request came from another site and was refused; use the console or an API token', {
      details: { origin: origin ?? null, secFetchSite: site ?? null },
    });
}

/** The least role a request needs on a workspace-scoped route ('tool' = depends on the tool's side effect). */
function requiredRole(request: FastifyRequest, url: string): Role | 'tool' | 'self' {
  if (request.method === 'GET' || request.method === 'HEAD') return 'viewer';
  if (url.endsWith('/tools/:tool/call')) return 'tool';
  if (url === '/api/workspaces/:ws/members/:userId' && request.method === 'DELETE') return 'self';
  return 'admin';
}

const notFound = (ws: string) =>
  hostErrors.create('NH_WORKSPACE_NOT_FOUND', `no workspace has the slug or id ${ws}`, { details: { workspace: ws } });
const forbidden = (need: Role, have: Role) =>
  hostErrors.create('NH_AUTH_FORBIDDEN', `this needs the ${need} role or higher in the workspace; you are ${have}`, {
    details: { need, have },
  });

/**
 * Adds the principal (onRequest) and the workspace access check (preHandler) to every route.
 * Without credentials a request stays the local operator (loopback API), unless requireAuth.
 * With a session or token, a workspace the principal cannot see answers 404, never 403.
 */
export function installAccessControl(app: FastifyInstance, deps: AccountDeps & { sessions: SessionService; requireAuth?: boolean }) {
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    checkSameOrigin(request);
    request.principal = await resolvePrincipal(request, deps);
    if (deps.requireAuth && request.principal.type === 'operator' && !request.url.startsWith('/api/auth/'))
      throw hostErrors.create('NH_AUTH_REQUIRED', 'log in first (or send an API token)');
  });

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = request.principal;
    const url = request.routeOptions.url;
    if (!principal || principal.type === 'operator' || !url?.startsWith('/api/workspaces')) return;

    if (url === '/api/workspaces') {
      if (principal.type === 'token') {
        if (request.method !== 'GET') throw hostErrors.create('NH_AUTH_FORBIDDEN', 'an API token cannot create workspaces');
        const ws = await deps.service.resolveWorkspace(principal.token.workspaceId);
        return reply.send({ workspaces: [ws] });
      }
      if (request.method === 'GET') return reply.send({ workspaces: await deps.repos.workspaces.listForUser(principal.user.id) });
      const workspace = await deps.service.createWorkspace(request.body ?? {}, { ownerUserId: principal.user.id });
      return reply.status(201).send({ workspace });
    }

    const wsParam = (request.params as { ws?: string }).ws;
    if (!wsParam) return;
    let workspace: { id: string };
    try {
      workspace = await deps.service.resolveWorkspace(wsParam);
    } catch {
      throw notFound(wsParam);
    }
    const role =
      principal.type === 'token'
        ? principal.token.workspaceId === workspace.id
          ? principal.token.role
          : undefined
        : await deps.repos.members.roleOf(workspace.id, principal.user.id);
    if (!role) throw notFound(wsParam);
    request.workspaceAccess = { workspaceId: workspace.id, role };

    const need = requiredRole(request, url);
    if (need === 'self') {
      const target = (request.params as { userId?: string }).userId;
      if (principal.type === 'session' && target === principal.user.id) return;
      if (!atLeast(role, 'admin')) throw forbidden('admin', role);
      return;
    }
    if (need === 'tool') {
      const toolName = (request.params as { tool?: string }).tool ?? '';
      let sideEffect: string | undefined;
      try {
        sideEffect = deps.registry.get(toolName).definition.sideEffect;
      } catch {
        sideEffect = undefined;
      }
      const min: Role = sideEffect === 'none' || sideEffect === 'read' ? 'viewer' : 'member';
      if (!atLeast(role, min)) throw forbidden(min, role);
      return;
    }
    if (!atLeast(role, need)) throw forbidden(need, role);
  });
}
