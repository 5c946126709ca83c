import { apiRoutes } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { hostErrors } from '../../errors.js';
import { healthReport } from '../../health.js';
import { HOST_API_VERSION } from '../../version.js';
import { addRoute } from '../route.js';
import type { ApiDeps } from './deps.js';

/** What `GET /health` answers (the console shell carries it for admins, the same function). */
export const hostHealth = (host: ApiDeps['host']) =>
  healthReport({ ...host, notices: host.notices.list(), version: HOST_API_VERSION, database: host.storage.dialect });

/** Host-wide routes: health (public, no workspace data) and the installed plugins (any principal). */
export async function hostRoutes(app: FastifyInstance, { host }: ApiDeps) {
  // failed, retrying, degraded and still-starting plugins, quarantined tools and notices, with reasons (src/health.ts)
  addRoute(app, apiRoutes.health, async () => hostHealth(host));

  addRoute(app, apiRoutes.listPlugins, async () => ({
    plugins: host.registry.plugins().map((p) => ({
      id: p.manifest.id,
      version: p.manifest.version,
      kind: p.manifest.kind,
      description: p.manifest.description,
      runtime: p.isolation,
      status: p.runtime.status,
      tools: host.registry.toolsOf([p.manifest.id]).map((t) => ({ name: t.qualifiedName, sideEffect: t.definition.sideEffect })),
    })),
  }));

  // plugins locked, changed or removed while the host runs: loaded, restarted or stopped (the operator; `neonhub plugin lock`)
  addRoute(app, apiRoutes.reloadPlugins, async () => host.reloadPlugins());

  addRoute(app, apiRoutes.getPlugin, async (req) => {
    const plugin = host.registry.plugin(req.params.id);
    if (!plugin) throw hostErrors.create('NH_PLUGIN_NOT_FOUND', `no plugin ${req.params.id} is loaded`);
    return { manifest: plugin.manifest, runtime: plugin.isolation, status: plugin.runtime.status };
  });
}
