import type { DB, Kysely } from '@neonhub/db';
import { runErrors } from '@neonhub/orchestrator';
import { type Role, WorkspaceRefSchema } from '@neonhub/schemas';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { hostErrors } from '../errors.js';
import { authenticated, checkRole, roleIn } from './authorize.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the workspace or run scope: the route's workspace and the caller's role in it. */
    workspaceAccess?: { workspaceId: string; role: Role; workspace?: { id: string; slug: string } };
  }
}

/** What a scope resolved for a request: the workspace (once; a workspace scope keeps its slug too) and the caller's role. */
export interface WorkspaceAccessOfRequest {
  workspaceId: string;
  role: Role;
  /** The resolved workspace (workspace scope): pass it on (e.g. to the call pipeline) instead of resolving it again. */
  workspace?: { id: string; slug: string };
}

export interface ScopeDeps {
  db: Kysely<DB>;
  resolveWorkspace(slugOrId: string): Promise<{ id: string; slug: string }>;
  roleOf(workspaceId: string, userId: string): Promise<Role | undefined>;
}

/** The scopes' view of a host: its database, workspaces and memberships. */
export const scopeDepsFromHost = (host: {
  storage: {
    db: Kysely<DB>;
    service: { resolveWorkspace(ws: string): Promise<{ id: string; slug: string }> };
    repos: { members: { roleOf(workspaceId: string, userId: string): Promise<Role | undefined> } };
  };
}): ScopeDeps => ({
  db: host.storage.db,
  resolveWorkspace: (ws) => host.storage.service.resolveWorkspace(ws),
  roleOf: (workspaceId, userId) => host.storage.repos.members.roleOf(workspaceId, userId),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const hidden = (ws: string) =>
  hostErrors.create('NH_WORKSPACE_NOT_FOUND', `no workspace has the slug or id ${ws}`, { details: { workspace: ws } });

/** Marks the routes of a scope and runs `resolve` before their body is parsed (after authentication). */
function scope(
  kind: 'workspace' | 'run',
  resolve: (request: FastifyRequest) => Promise<WorkspaceAccessOfRequest>,
  register: (app: FastifyInstance) => Promise<void> | void,
): FastifyPluginAsync {
  return async (app) => {
    app.addHook('onRoute', (route) => {
      route.config = { ...route.config, scope: kind };
    });
    app.addHook('preParsing', async (request, _reply, payload) => {
      const access = await resolve(request);
      request.workspaceAccess = access;
      checkRole(request, access.role);
      return payload;
    });
    await register(app);
  };
}

/**
 * The parent of every `/api/workspaces/:ws/*` resource: resolves the workspace and the caller's role
 * once. A workspace the caller cannot see answers as one that does not exist (404, never 403).
 */
export const workspaceScope = (deps: ScopeDeps, register: (app: FastifyInstance) => Promise<void> | void) =>
  scope(
    'workspace',
    async (request) => {
      const principal = authenticated(request);
      const ws = String((request.params as { ws?: unknown }).ws ?? '');
      // a reference that is no slug or id names no workspace: the same 404, without a lookup
      if (!WorkspaceRefSchema.safeParse(ws).success) throw hidden(ws.slice(0, 100));
      let workspace: { id: string; slug: string };
      try {
        workspace = await deps.resolveWorkspace(ws);
      } catch {
        throw hidden(ws);
      }
      const role = await roleIn(principal, workspace.id, deps.roleOf);
      if (!role) throw hidden(ws);
      return { workspaceId: workspace.id, role, workspace: { id: workspace.id, slug: workspace.slug } };
    },
    register,
  );

/** The parent of `/api/runs/:id/*`: the run's workspace must be the caller's (else the same 404 as a missing run). */
export const runScope = (deps: ScopeDeps, register: (app: FastifyInstance) => Promise<void> | void) =>
  scope(
    'run',
    async (request) => {
      const principal = authenticated(request);
      const id = String((request.params as { id?: unknown }).id ?? '');
      if (!UUID.test(id)) throw hostErrors.create('NH_REQUEST_INVALID', `run id ${JSON.stringify(id.slice(0, 80))} is not a uuid`);
      const missing = () => runErrors.create('NH_RUN_NOT_FOUND', `no run ${id}`, { details: { runId: id } });
      const row = await deps.db.selectFrom('runs').select('workspace_id').where('id', '=', id).executeTakeFirst();
      if (!row) throw missing();
      const role = await roleIn(principal, row.workspace_id, deps.roleOf);
      if (!role) throw missing();
      return { workspaceId: row.workspace_id, role };
    },
    register,
  );

/** The workspace and role the scope resolved for this request. */
export function scoped(request: FastifyRequest): WorkspaceAccessOfRequest & { userId?: string } {
  const access = request.workspaceAccess;
  if (!access) throw hostErrors.create('NH_INTERNAL', `route ${request.routeOptions.url} ran outside a workspace scope`);
  const p = request.principal;
  return p?.type === 'session' ? { ...access, userId: p.user.id } : access;
}
