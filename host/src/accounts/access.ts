import type { FastifyInstance } from 'fastify';
import type { AccountDeps } from './deps.js';
import { resolvePrincipal } from './principal.js';
import type { SessionService } from './sessions.js';

/** Paths whose requests carry principals the host resolves (the OAuth consent needs a console session; the console and /mcp read credentials their own way). */
const PRINCIPAL_PATHS = /^\/(api(\/|\?|$)|oauth\/authorize(\?|$))/;

/**
 * Adds the principal (onRequest) to every /api route; authorization is each route's declared access
 * (server/authorize.ts and the workspace and run scopes, server/scopes.ts).
 * No request is privileged without a credential: an anonymous request gets 401 from every route not
 * declared public (authorize.ts), whatever its address (a page rebound to 127.0.0.1, a plugin's
 * socket to the host's port).
 */
export function installAccessControl(
  app: FastifyInstance,
  deps: AccountDeps & { sessions: SessionService; operator: (presented: string) => boolean },
) {
  app.addHook('onRequest', async (request) => {
    if (!PRINCIPAL_PATHS.test(request.url)) return;
    request.principal = await resolvePrincipal(request, deps);
  });
}
