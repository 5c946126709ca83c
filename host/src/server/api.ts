import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accountDepsFromHost, requestActor } from '../accounts/index.js';
import type { Host } from '../host.js';
import { runRoutes, workspaceRunRoutes } from '../runs/routes.js';
import type { createRuns } from '../runs/service.js';
import {
  type ApiDeps,
  hostRoutes,
  llmRoutes,
  memberRoutes,
  outboundRoutes,
  tokenRoutes,
  toolRoutes,
  workspacePluginRoutes,
  workspaceRoutes,
} from './routes/index.js';
import { runScope, workspaceScope } from './scopes.js';

/**
 * The host API's resources, each an encapsulated plugin whose routes declare their schemas and access:
 * host-wide ones, the workspace-scoped ones (the scope resolves the workspace and the caller's role
 * once), and one run's routes (the run scope finds its workspace).
 */
export async function registerApi(app: FastifyInstance, host: Host, runs: Awaited<ReturnType<typeof createRuns>>) {
  const deps: ApiDeps = { ...accountDepsFromHost(host), host };
  const scopeDeps = {
    db: host.storage.db,
    resolveWorkspace: (ws: string) => host.storage.service.resolveWorkspace(ws),
    roleOf: (workspaceId: string, userId: string) => host.storage.repos.members.roleOf(workspaceId, userId),
  };
  const runDeps = { orchestrator: runs, actor: (req: FastifyRequest) => requestActor(req) };
  if (!app.hasDecorator('websocketServer')) await app.register((await import('@fastify/websocket')).default);
  await app.register(async (api) => {
    await hostRoutes(api, deps);
    await workspaceRoutes(api, deps);
  });
  await app.register(
    workspaceScope(scopeDeps, async (ws) => {
      for (const resource of [toolRoutes, workspacePluginRoutes, llmRoutes, outboundRoutes, memberRoutes, tokenRoutes])
        await ws.register(async (scope) => resource(scope, deps));
      await ws.register(async (scope) => workspaceRunRoutes(scope, runDeps));
    }),
  );
  await app.register(runScope(scopeDeps, (scope) => runRoutes(scope, runDeps)));
}
