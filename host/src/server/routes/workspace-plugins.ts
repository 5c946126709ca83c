import { join } from 'node:path';
import { apiRoutes, type LockEntry, providedName } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { LOCKFILE_NAME, readLockfile } from '../../plugins/lock.js';
import type { ToolRegistry } from '../../registry.js';
import { addRoute } from '../route.js';
import { scoped } from '../scopes.js';
import type { ApiDeps } from './deps.js';

/**
 * The tools the lock pins for a plugin, each with its hash and whether the loaded plugin serves it as pinned
 * (an outside server's tools are known only from the lock until it is connected).
 */
function pinnedTools(registry: ToolRegistry, pluginId: string, entry: LockEntry | undefined) {
  if (!entry) return [];
  const loaded = new Map(
    registry
      .all()
      .filter((t) => t.pluginId === pluginId)
      .map((t) => [t.name, t]),
  );
  return Object.keys(entry.tools)
    .sort()
    .map((name) => {
      const tool = loaded.get(name);
      const base = { name: `${pluginId}:${name}`, hash: entry.tools[name]! };
      if (!tool) return { ...base, state: 'not-served' as const };
      if (tool.quarantined) return { ...base, state: 'quarantined' as const, reason: tool.quarantined.reason };
      return { ...base, state: 'served' as const };
    });
}

/** Every installed plugin with its manifest facts and a workspace's state; secret values never leave. */
export async function workspacePluginViews(
  { service, registry, host }: Pick<ApiDeps, 'service' | 'registry' | 'host'>,
  workspaceId: string,
) {
  const states = new Map((await service.listPlugins(workspaceId)).map((p) => [p.pluginId, p]));
  const secretNames = new Set((await service.listSecretNames(workspaceId)).map((s) => `${s.pluginId}/${s.name}`));
  const lock = await readLockfile(join(host.config.rootDir, LOCKFILE_NAME));
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
        // an outside server declares no tools in its manifest: the ones it serves as pinned
        tools: (m.runtime.type === 'module' ? m.tools : registry.toolsOf([m.id]).map((t) => t.definition)).map((t) => ({
          name: `${m.id}:${t.name}`,
          description: t.description,
          sideEffect: t.sideEffect,
        })),
        pinnedTools: pinnedTools(registry, m.id, lock.plugins[m.id]),
        provides: (m.provides ?? []).map(providedName),
      };
    }),
  };
}

/** Plugins in a workspace: their state (viewers), and enabling, configuring and their secrets (admins). */
export async function workspacePluginRoutes(app: FastifyInstance, deps: ApiDeps) {
  const { service, host } = deps;
  /** Every installed plugin with its manifest facts and this workspace's state; secret values never leave. */
  addRoute(app, apiRoutes.listWorkspacePlugins, async (request) => workspacePluginViews(deps, scoped(request).workspaceId));

  /** The enabled plugin providing each contract here (the console's approvals inbox reads it), or null. */
  addRoute(app, apiRoutes.getContracts, async (request) => host.contracts.providers(scoped(request).workspaceId));

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
