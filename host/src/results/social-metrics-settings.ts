import { apiRoutes, type ResultsSettings, type ResultsSettingsBody } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { SYSTEM_OWNER } from '../schedules/index.js';
import { addRoute } from '../server/route.js';
import type { ApiDeps } from '../server/routes/deps.js';
import { scoped } from '../server/scopes.js';
import { nextPullAt, readResultsSettings, SOCIAL_METRICS_TASK } from './social-metrics.js';

type Host = ApiDeps['host'];

async function view(host: Host, workspaceId: string): Promise<ResultsSettings> {
  const s = await readResultsSettings(host.storage.db, workspaceId);
  const row = await host.schedules.store.byKey(workspaceId, SYSTEM_OWNER, SOCIAL_METRICS_TASK.tool);
  return {
    metricsEnabled: s.metricsEnabled,
    metricsEveryMinutes: s.metricsEveryMinutes,
    metricsDays: s.metricsDays,
    lastPulledAt: s.lastPulledAt?.toISOString() ?? null,
    nextPullAt: s.metricsEnabled && row?.status === 'scheduled' ? new Date(row.run_at).toISOString() : null,
  };
}

/** Saves the settings and reschedules the workspace's pull at once (an interval after the last pull; off: cancelled). */
export async function saveResultsSettings(host: Host, workspaceId: string, body: ResultsSettingsBody): Promise<ResultsSettings> {
  const s = { ...(await readResultsSettings(host.storage.db, workspaceId)), ...body };
  const values = { metrics_enabled: s.metricsEnabled, metrics_every_minutes: s.metricsEveryMinutes, metrics_days: s.metricsDays };
  await host.storage.db
    .insertInto('results_settings')
    .values({ workspace_id: workspaceId, ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .execute();
  await host.schedules.system(workspaceId, SOCIAL_METRICS_TASK, nextPullAt(s, new Date(host.schedules.clock.now())));
  return view(host, workspaceId);
}

/** GET/PUT /api/workspaces/:ws/results/settings (docs/analytics.md#social-metrics). */
export async function resultsSettingsRoutes(app: FastifyInstance, { host }: ApiDeps) {
  addRoute(app, apiRoutes.getResultsSettings, async (req) => view(host, scoped(req).workspaceId));
  addRoute(app, apiRoutes.saveResultsSettings, async (req) => saveResultsSettings(host, scoped(req).workspaceId, req.body));
}
