import type { Orchestrator } from '@neonhub/orchestrator';
import { apiRoutes } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { pendingHeld } from '../../notifications/held.js';
import { addRoute } from '../route.js';
import { scoped } from '../scopes.js';
import type { ApiDeps } from './deps.js';
import { memberList } from './members.js';
import { workspacePluginViews } from './workspace-plugins.js';

/**
 * The console's shell of a workspace in one call (the approvals badge, names, plugins and contract providers
 * every page reads, and the time zone its dates are written in): the workspace scope checks the session and the
 * role once, then the six reads run together.
 * Each part is what its own route answers (the same functions), so the two cannot drift apart.
 */
export async function consoleShellRoutes(app: FastifyInstance, deps: ApiDeps & { runs: Pick<Orchestrator, 'listWaiting'> }) {
  const { host, runs } = deps;
  addRoute(app, apiRoutes.getConsoleShell, async (request) => {
    const { workspaceId } = scoped(request);
    const limit = request.query.waitingLimit;
    const [plugins, contracts, members, held, waiting, timeZone] = await Promise.all([
      workspacePluginViews(deps, workspaceId),
      host.contracts.providers(workspaceId),
      memberList(deps, workspaceId),
      pendingHeld(host.storage.db, workspaceId),
      runs.listWaiting(workspaceId, limit ? { limit } : {}),
      host.schedules.timeZone(workspaceId),
    ]);
    return { plugins: plugins.plugins, contracts, members, held, waiting, timeZone };
  });
}
