import type { Orchestrator } from '@neonhub/orchestrator';
import { apiRoutes } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { meOf } from '../../accounts/auth-routes.js';
import { atLeast } from '../../accounts/principal.js';
import { pendingHeld } from '../../notifications/held.js';
import { addRoute } from '../route.js';
import { scoped } from '../scopes.js';
import type { ApiDeps } from './deps.js';
import { hostHealth } from './host.js';
import { memberList } from './members.js';
import { workspacePluginViews } from './workspace-plugins.js';

/**
 * The console's shell of a workspace in one call (the approvals badge, names, plugins and contract providers
 * every page reads, and the time zone its dates are written in): the workspace scope checks the session and the
 * role once, then the six reads run together. For a console session it answers `me` too (the console checks the session
 * with it instead of a call of its own), and for an owner or admin of any workspace the host's health (the banner).
 * Each part is what its own route answers (the same functions), so the two cannot drift apart.
 */
export async function consoleShellRoutes(app: FastifyInstance, deps: ApiDeps & { runs: Pick<Orchestrator, 'listWaiting'> }) {
  const { host, runs } = deps;
  addRoute(app, apiRoutes.getConsoleShell, async (request) => {
    const { workspaceId } = scoped(request);
    const limit = request.query.waitingLimit;
    const principal = request.principal;
    const [plugins, contracts, members, held, waiting, timeZone, me] = await Promise.all([
      workspacePluginViews(deps, workspaceId),
      host.contracts.providers(workspaceId),
      memberList(deps, workspaceId),
      pendingHeld(host.storage.db, workspaceId),
      runs.listWaiting(workspaceId, limit ? { limit } : {}),
      host.schedules.timeZone(workspaceId),
      principal?.type === 'session' ? meOf(deps, principal) : null,
    ]);
    const manages = me?.workspaces.some((w) => atLeast(w.role, 'admin')) ?? false;
    const health = manages ? hostHealth(host) : null;
    return { plugins: plugins.plugins, contracts, members, held, waiting, timeZone, me, health };
  });
}
