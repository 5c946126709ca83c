import type { Kysely } from '@neonhub/db';
import { runErrors } from '@neonhub/orchestrator';
import { changesNothing, type Role, type SideEffect } from '@neonhub/schemas';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hostErrors } from '../errors.js';
import type { AccountDeps } from './deps.js';
import { atLeast, type Principal, resolvePrincipal } from './principal.js';
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
  // Starting a run calls tools a member may call; its external steps still wait for approval.
  if (url === '/api/workspaces/:ws/runs') return 'member';
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
    if (!principal || principal.type === 'operator') return;
    if (url?.startsWith('/api/runs/:id')) return checkRunAccess(request, principal, deps);
    if (!url?.startsWith('/api/workspaces')) return;

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
      let sideEffect: SideEffect | undefined;
      try {
        sideEffect = deps.registry.get(toolName).definition.sideEffect;
      } catch {
        sideEffect = undefined;
      }
      const min: Role = changesNothing(sideEffect) ? 'viewer' : 'member';
      if (!atLeast(role, min)) throw forbidden(min, role);
      return;
    }
    if (!atLeast(role, need)) throw forbidden(need, role);
  });
}

const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * /api/runs/:id/* for sessions and tokens: the run's workspace must be theirs (else the same 404 as a
 * run that does not exist), viewers read and follow events, members cancel, admins approve or reject.
 * The WebSocket upgrade (a GET) must come from this origin: a page of a sibling site cannot open it.
 */
async function checkRunAccess(request: FastifyRequest, principal: Exclude<Principal, { type: 'operator' }>, deps: AccountDeps) {
  const id = (request.params as { id?: string }).id ?? '';
  const origin = request.headers.origin;
  if (request.headers.upgrade?.toLowerCase() === 'websocket' && origin !== undefined) {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== request.headers.host)
      throw hostErrors.create('NH_AUTH_CSRF', 'this WebSocket was opened from another site and was refused', { details: { origin } });
  }
  const missing = () => runErrors.create('NH_RUN_NOT_FOUND', `no run ${id}`, { details: { runId: id } });
  if (!RUN_ID.test(id)) return; // the route answers its own 400
  const row = await (deps.db as unknown as Kysely<{ runs: { id: string; workspace_id: string } }>)
    .selectFrom('runs')
    .select('workspace_id')
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return; // the route answers NH_RUN_NOT_FOUND
  const role =
    principal.type === 'token'
      ? principal.token.workspaceId === row.workspace_id
        ? principal.token.role
        : undefined
      : await deps.repos.members.roleOf(row.workspace_id, principal.user.id);
  if (!role) throw missing();
  request.workspaceAccess = { workspaceId: row.workspace_id, role };
  const url = request.routeOptions.url ?? '';
  const need: Role = request.method === 'GET' || request.method === 'HEAD' ? 'viewer' : url.endsWith('/cancel') ? 'member' : 'admin';
  if (!atLeast(role, need)) throw forbidden(need, role);
}
