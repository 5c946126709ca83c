import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hostErrors } from '../errors.js';
import type { AccountDeps } from './deps.js';
import { resolvePrincipal } from './principal.js';
import type { SessionService } from './sessions.js';

/** Routes an anonymous request may reach: declared `config: { access: 'public' }`, or the log-in routes (which check for themselves). */
function anonymousAllowed(request: FastifyRequest): boolean {
  if ((request.routeOptions.config as { access?: string } | undefined)?.access === 'public') return true;
  return request.routeOptions.url?.startsWith('/api/auth/') === true;
}

/** Paths whose requests carry principals the host resolves (the OAuth consent needs a console session; the console and /mcp read credentials their own way). */
const PRINCIPAL_PATHS = /^\/(api(\/|\?|$)|oauth\/authorize(\?|$))/;

/**
 * Adds the principal (onRequest) to every /api route; authorization is each route's declared access
 * (server/authorize.ts and the workspace and run scopes, server/scopes.ts).
 * No request is privileged without a credential: an anonymous /api request gets 401, whatever its
 * address (a page rebound to 127.0.0.1, a plugin's socket to the host's port).
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
}
