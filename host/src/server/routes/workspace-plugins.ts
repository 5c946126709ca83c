import { apiRoutes } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { addRoute } from '../route.js';
import { scoped } from '../scopes.js';
import type { ApiDeps } from './deps.js';

/** Plugins in a workspace: their state (viewers), and enabling, configuring and their secrets (admins). */
export async function workspacePluginRoutes(app: FastifyInstance, { service, registry }: ApiDeps) {
  /** Every installed plugin with its manifest facts and this workspace's state; secret values never leave. */
  addRoute(app, apiRoutes.listWorkspacePlugins, async (request) => {
    const { workspaceId } = scoped(request);
    const states = new Map((await service.listPlugins(workspaceId)).map((p) => [p.pluginId, p]));
    const secretNames = new Set((await service.listSecretNames(workspaceId)).map((s) => `${s.pluginId}/${s.name}`));
    return {
      plugins: registry.plugins().map((p) => {
        const m = p.manifest;
        const state = states.get(m.id);
        return {
          id: m.id,
          name: m.name ?? m.id,
          version: m.version,
          kind: m.kind,
          description: m.description,
          runtime: p.isolation,
          status: p.runtime.status,
          enabled: state?.enabled === true,
          config: state?.config ?? {},
          configSchema: (m.config as Record<string, unknown> | undefined) ?? null,
          networkHosts: m.network.hosts,
          secrets: m.secrets.map((s) => ({
            name: s.name,
            description: s.description,
            required: s.required,
            set: secretNames.has(`${m.id}/${s.name}`),
          })),
          tools: m.tools.map((t) => ({ name: `${m.id}:${t.name}`, description: t.description, sideEffect: t.sideEffect })),
        };
      }),
    };
  });

  addRoute(app, apiRoutes.enablePlugin, async (request) => {
    const { workspaceId } = scoped(request);
    // Without a config the stored one (or the schema's defaults) is kept.
    await service.enablePlugin(workspaceId, request.params.id, request.body?.config);
    return { enabled: true };
  });
  addRoute(app, apiRoutes.disablePlugin, async (request) => {
    await service.disablePlugin(scoped(request).workspaceId, request.params.id);
    return { enabled: false };
  });
  addRoute(app, apiRoutes.setPluginConfig, async (request) => ({
    config: await service.setConfig(scoped(request).workspaceId, request.params.id, request.body.config),
  }));
  addRoute(app, apiRoutes.setPluginSecret, async (request, reply) => {
    await service.setSecret(scoped(request).workspaceId, request.params.id, request.params.name, request.body.value);
    reply.status(204);
    return undefined;
  });
}
