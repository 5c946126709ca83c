import type { Kysely } from '@neonhub/db';
import { runErrors } from '@neonhub/orchestrator';
import { changesNothing, type Role, type SideEffect } from '@neonhub/schemas';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hostErrors } from '../errors.js';
import type { AccountDeps } from './deps.js';
import { atLeast, type Principal, resolvePrincipal } from './principal.js';
import type { SessionService } from './sessions.js';

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

/** Routes an anonymous request may reach: declared `config: { access: 'public' }`, or the log-in routes (which check for themselves). */
function anonymousAllowed(request: FastifyRequest): boolean {
  if ((request.routeOptions.config as { access?: string } | undefined)?.access === 'public') return true;
  return request.routeOptions.url?.startsWith('/api/auth/') === true;
}

/** Paths whose requests carry principals the host resolves (the OAuth consent needs a console session; the console and /mcp read credentials their own way). */
const PRINCIPAL_PATHS = /^\/(api(\/|\?|$)|oauth\/authorize(\?|$))/;

/**
 * Adds the principal (onRequest) and the workspace access check (preHandler) to every route.
 * No request is privileged without a credential: an anonymous /api request gets 401, whatever its
 * address (a page rebound to 127.0.0.1, a plugin's socket to the host's port).
 * With a session or token, a workspace the principal cannot see answers 404, never 403.
 */
export function installAccessControl(
  app: FastifyInstance,
  deps: AccountDeps & { sessions: SessionService; operator: (presented: string) => boolean },
) {
  app.addHook('onRequest', async (request) => {
    if (!PRINCIPAL_PATHS.test(request.url)) return;
    request.principal = await resolvePrincipal(request, deps);
    if (request.principal.type === 'anonymous' && request.url.startsWith('/api/') && !anonymousAllowed(request))
      throw hostErrors.create(
        'NH_AUTH_REQUIRED',
        'this route needs a credential: log in to the console, send an API token, or use the CLI on the host machine (it reads the operator credential)',
      );
  });

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = request.principal;
    const url = request.routeOptions.url;
    if (!principal || principal.type === 'operator' || principal.type === 'anonymous') return;
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
 */
async function checkRunAccess(request: FastifyRequest, principal: Extract<Principal, { type: 'session' | 'token' }>, deps: AccountDeps) {
  const id = (request.params as { id?: string }).id ?? '';
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
