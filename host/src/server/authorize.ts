import { type ApiAccess, ApiAccessSchema, type Role, RoleSchema } from '@neonhub/schemas';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { atLeast, type Principal } from '../accounts/principal.js';
import { hostErrors } from '../errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route (required on every /api route; see docs/api.md). */
    access?: ApiAccess;
    /** A path parameter naming a user: that user may call the route on itself without the declared role. */
    self?: string;
    /** Set by the scope that resolves the route's workspace (workspace or run). */
    scope?: 'workspace' | 'run';
  }
}

const ROLES = new Set<string>(RoleSchema.options);
export const isRoleAccess = (access: ApiAccess): access is Role => ROLES.has(access);

/** A principal that carries credentials (not the anonymous caller of a public route). */
export type Authenticated = Exclude<Principal, { type: 'anonymous' }>;

export function authenticated(request: FastifyRequest): Authenticated {
  const p = request.principal as { type: string } | undefined;
  if (!p || p.type === 'anonymous')
    throw hostErrors.create('NH_AUTH_REQUIRED', 'this route needs credentials: log in, or send an API token or the operator credential');
  return p as Authenticated;
}

/** The principal's role in a workspace (the operator owns every workspace); undefined: it cannot see it. */
export async function roleIn(
  principal: Authenticated,
  workspaceId: string,
  roleOf: (workspaceId: string, userId: string) => Promise<Role | undefined>,
): Promise<Role | undefined> {
  if (principal.type === 'operator') return 'owner';
  if (principal.type === 'token') return principal.token.workspaceId === workspaceId ? principal.token.role : undefined;
  return roleOf(workspaceId, principal.user.id);
}

export const forbidden = (
  need: string,
  have: string,
  message = `this needs the ${need} role or higher in the workspace; you are ${have}`,
) => hostErrors.create('NH_AUTH_FORBIDDEN', message, { details: { need, have } });

/** The declared role check of a workspace-scoped route, once its workspace and the caller's role are known. */
export function checkRole(request: FastifyRequest, role: Role) {
  const { access, self } = request.routeOptions.config;
  if (!access || !isRoleAccess(access) || atLeast(role, access)) return;
  const p = request.principal;
  if (self && p?.type === 'session' && (request.params as Record<string, unknown>)[self] === p.user.id) return;
  throw forbidden(access, role);
}

/**
 * Authorization as the first stage of every /api route: each route declares `config.access` (a route
 * without one fails at registration, so none can be added unguarded); before the body is parsed, a
 * route that is not public needs a principal (else 401), `user` and `session` routes need that kind of
 * principal (else 403), and a route needing a role must sit in a scope that resolved its workspace
 * and checked the role (workspace-scope.ts); if not, it is refused rather than served.
 */
export function installAuthorization(app: FastifyInstance) {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const access = route.config?.access;
    if (!ApiAccessSchema.safeParse(access).success)
      throw new Error(
        `route ${String(route.method)} ${route.url} declares no access (config.access: public, principal, user, session, operator or a role)`,
      );
  });

  app.addHook('preParsing', async (request, _reply, payload) => {
    const { access, scope } = request.routeOptions.config;
    if (!access || access === 'public') return payload;
    const principal = authenticated(request);
    if (access === 'user' && principal.type === 'token') throw forbidden('user', 'token', 'an API token cannot do this; sign in');
    if (access === 'operator' && principal.type !== 'operator')
      throw forbidden(
        'operator',
        principal.type,
        'only the operator may do this: run the CLI on the host machine (it sends the operator credential)',
      );
    if (access === 'session' && principal.type !== 'session')
      throw hostErrors.create('NH_AUTH_REQUIRED', 'log in first: this route needs a signed-in session');
    if (access === 'operator' && principal.type !== 'operator')
      throw forbidden(
        'operator',
        principal.type,
        'only the operator (the CLI on the host machine, with the operator credential) can do this',
      );
    if (isRoleAccess(access) && !scope) throw hostErrors.create('NH_INTERNAL', `route ${request.routeOptions.url} has no workspace scope`);
    return payload;
  });
}
