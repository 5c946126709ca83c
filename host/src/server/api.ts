import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accountDepsFromHost, requestActor } from '../accounts/index.js';
import { audienceRoutes } from '../audiences/routes.js';
import { brandRoutes } from '../brand/routes.js';
import { connectionCallbackRoute, connectionRoutes } from '../connections/routes.js';
import type { Host } from '../host.js';
import { pluginOAuthCallbackRoute, pluginOAuthRoutes } from '../mcp-oauth/routes.js';
import { notificationRoutes } from '../notifications/index.js';
import { publicResultRoutes, resultRoutes } from '../results/routes.js';
import { runResultsSummary } from '../results/run-summary.js';
import { resultsSettingsRoutes } from '../results/social-metrics-settings.js';
import { registerRunRoutes } from '../runs/routes.js';
import type { createRuns } from '../runs/service.js';
import { scheduleRoutes } from '../schedules/routes.js';
import {
  type ApiDeps,
  consoleShellRoutes,
  hostRoutes,
  llmRoutes,
  memberRoutes,
  outboundRoutes,
  outboxRoutes,
  tokenRoutes,
  toolRoutes,
  workspacePluginRoutes,
  workspaceRoutes,
} from './routes/index.js';
import { scopeDepsFromHost, workspaceScope } from './scopes.js';

/**
 * The host API's resources, each an encapsulated plugin whose routes declare their schemas and access:
 * host-wide ones, the workspace-scoped ones (the scope resolves the workspace and the caller's role
 * once), and one run's routes (the run scope finds its workspace).
 */
export async function registerApi(app: FastifyInstance, host: Host, runs: Awaited<ReturnType<typeof createRuns>>) {
  const deps: ApiDeps = { ...accountDepsFromHost(host), host };
  const scopeDeps = scopeDepsFromHost(host);
  const runDeps = {
    orchestrator: runs,
    actor: (req: FastifyRequest) => requestActor(req),
    summarize: runResultsSummary(host.storage.db),
  };
  await app.register(async (api) => {
    await hostRoutes(api, deps);
    await workspaceRoutes(api, deps);
    await publicResultRoutes(api, deps);
    await connectionCallbackRoute(api, deps);
    await pluginOAuthCallbackRoute(api, deps);
  });
  await app.register(
    workspaceScope(scopeDeps, async (ws) => {
      for (const resource of [
        toolRoutes,
        workspacePluginRoutes,
        llmRoutes,
        outboundRoutes,
        outboxRoutes,
        memberRoutes,
        tokenRoutes,
        audienceRoutes,
        resultRoutes,
        resultsSettingsRoutes,
        scheduleRoutes,
        notificationRoutes,
        brandRoutes,
      ])
        await ws.register(async (scope) => resource(scope, deps));
      await ws.register(async (scope) => consoleShellRoutes(scope, { ...deps, runs }));
      await ws.register(async (scope) => connectionRoutes(scope, { host, publicBaseUrl: process.env.NEONHUB_PUBLIC_URL || undefined }));
      await ws.register(async (scope) => pluginOAuthRoutes(scope, { host, publicBaseUrl: process.env.NEONHUB_PUBLIC_URL || undefined }));
    }),
  );
  await registerRunRoutes(app, { ...runDeps, scope: scopeDeps });
}
