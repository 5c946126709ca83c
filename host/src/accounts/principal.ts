import type { User } from '@neonhub/db';
import type { Actor, Role } from '@neonhub/schemas';
import type { FastifyRequest } from 'fastify';
import { hostErrors } from '../errors.js';
import type { ApiTokenInfo, TokenService } from '../mcp/index.js';
import { OPERATOR_PREFIX } from './operator-credential.js';
import { SESSION_PREFIX, type Session, type SessionService } from './sessions.js';

export const SESSION_COOKIE = '__Host-neonhub_session';

/**
 * Who a request acts for: a signed-in user, a workspace API token, the operator (whoever holds the
 * operator credential file of the data directory: the CLI), or nobody. `anonymous` has no privilege.
 */
export type Principal =
  | { type: 'session'; user: User; session: Session; via: 'cookie' | 'bearer' }
  | { type: 'token'; token: ApiTokenInfo }
  | { type: 'operator' }
  | { type: 'anonymous' };

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** Set by the access check on /api/workspaces/:ws/* routes for sessions and tokens. */
    workspaceAccess?: { workspaceId: string; role: Role; workspace?: { id: string; slug: string } };
  }
}

export const ROLE_RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };
export const atLeast = (role: Role, min: Role) => ROLE_RANK[role] >= ROLE_RANK[min];

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function sessionCookie(token: string, expiresAt: Date): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; Secure; SameSite=Lax; Expires=${expiresAt.toUTCString()}`;
}
export const clearedSessionCookie = () => `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0`;

/**
 * Reads credentials: `Authorization: Bearer nho_...` (the operator credential), `Bearer nhs_...` (a
 * session; what the console's server sends), `Bearer nh_...` (a workspace API token), or the session
 * cookie. A credential that does not verify is NH_AUTH_REQUIRED / NH_AUTH_TOKEN_INVALID: never a
 * silent fall back. No credential at all is `anonymous`, which no route but a public one accepts.
 */
export async function resolvePrincipal(
  request: FastifyRequest,
  deps: { sessions: SessionService; tokens: TokenService; operator?: (presented: string) => boolean },
): Promise<Principal> {
  const auth = request.headers.authorization;
  const bearer = auth?.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : undefined;
  if (bearer?.startsWith(OPERATOR_PREFIX)) {
    if (!deps.operator?.(bearer))
      throw hostErrors.create(
        'NH_AUTH_TOKEN_INVALID',
        'the operator credential is wrong (it is re-read from the data directory at each start)',
      );
    return { type: 'operator' };
  }
  if (bearer?.startsWith(SESSION_PREFIX)) {
    const found = await deps.sessions.validate(bearer);
    if (!found) throw hostErrors.create('NH_AUTH_REQUIRED', 'the session expired or was logged out; log in again');
    return { type: 'session', ...found, via: 'bearer' };
  }
  if (bearer) return { type: 'token', token: await deps.tokens.verify(bearer) };
  const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
  if (cookie) {
    const found = await deps.sessions.validate(cookie);
    if (!found) throw hostErrors.create('NH_AUTH_REQUIRED', 'the session expired or was logged out; log in again');
    return { type: 'session', ...found, via: 'cookie' };
  }
  return { type: 'anonymous' };
}

/** The operator's calls are recorded under this actor (the CLI on the host's machine). */
const OPERATOR: Actor = { type: 'user', id: 'local-operator', role: 'owner' };

/** The actor to record for a tool call made by this request. Only an authenticated request has one. */
export function requestActor(request: FastifyRequest): Actor {
  const p = request.principal;
  const role = request.workspaceAccess?.role;
  if (p?.type === 'session') return { type: 'user', id: p.user.id, ...(role ? { role } : {}) };
  if (p?.type === 'token') return { type: 'token', id: p.token.id, role: p.token.role };
  if (p?.type === 'operator') return OPERATOR;
  throw hostErrors.create('NH_AUTH_REQUIRED', 'this route needs a credential');
}
