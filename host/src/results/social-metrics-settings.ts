import { apiRoutes, type ResultsSettings, type ResultsSettingsBody } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { SYSTEM_OWNER } from '../schedules/index.js';
import { addRoute } from '../server/route.js';
import type { ApiDeps } from '../server/routes/deps.js';
import { scoped } from '../server/scopes.js';
import { LEARNING_TASK, nextLearningAt } from './learning.js';
import { nextPullAt, readResultsSettings, SOCIAL_METRICS_TASK } from './social-metrics.js';

type Host = Pick<ApiDeps['host'], 'storage' | 'schedules'>;

/** When a system task of the workspace runs next (null: not scheduled, or running now). */
async function scheduledAt(host: Host, workspaceId: string, tool: string): Promise<Date | null> {
  const row = await host.schedules.store.byKey(workspaceId, SYSTEM_OWNER, tool);
  return row?.status === 'scheduled' ? new Date(row.run_at) : null;
}

export async function resultsSettingsView(host: Host, workspaceId: string): Promise<ResultsSettings> {
  const s = await readResultsSettings(host.storage.db, workspaceId);
  const pull = s.metricsEnabled ? await scheduledAt(host, workspaceId, SOCIAL_METRICS_TASK.tool) : null;
  const learn = s.learningEnabled ? await scheduledAt(host, workspaceId, LEARNING_TASK.tool) : null;
  return {
    metricsEnabled: s.metricsEnabled,
    metricsEveryMinutes: s.metricsEveryMinutes,
    metricsDays: s.metricsDays,
    lastPulledAt: s.lastPulledAt?.toISOString() ?? null,
    nextPullAt: pull?.toISOString() ?? null,
    learningEnabled: s.learningEnabled,
    learningEveryMinutes: s.learningEveryMinutes,
    learningMetric: s.learningMetric,
    nextLearningAt: learn?.toISOString() ?? null,
  };
}

/**
 * Saves the settings and reschedules the workspace's pull and learning pass at once: the pull an interval after the
 * last one, the pass no later than an interval from now; off cancels either.
 */
export async function saveResultsSettings(host: Host, workspaceId: string, body: ResultsSettingsBody): Promise<ResultsSettings> {
  const s = { ...(await readResultsSettings(host.storage.db, workspaceId)), ...body };
  const values = {
    metrics_enabled: s.metricsEnabled,
    metrics_every_minutes: s.metricsEveryMinutes,
    metrics_days: s.metricsDays,
    learning_enabled: s.learningEnabled,
    learning_every_minutes: s.learningEveryMinutes,
    learning_metric: s.learningMetric,
  };
  await host.storage.db
    .insertInto('results_settings')
    .values({ workspace_id: workspaceId, ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .execute();
  const now = new Date(host.schedules.clock.now());
  await host.schedules.system(workspaceId, SOCIAL_METRICS_TASK, nextPullAt(s, now));
  const learning = await scheduledAt(host, workspaceId, LEARNING_TASK.tool);
  await host.schedules.system(workspaceId, LEARNING_TASK, nextLearningAt(s, learning, now));
  return resultsSettingsView(host, workspaceId);
}

/** GET/PUT /api/workspaces/:ws/results/settings (docs/analytics.md#settings). */
export async function resultsSettingsRoutes(app: FastifyInstance, { host }: ApiDeps) {
  addRoute(app, apiRoutes.getResultsSettings, async (req) => resultsSettingsView(host, scoped(req).workspaceId));
  addRoute(app, apiRoutes.saveResultsSettings, async (req) => saveResultsSettings(host, scoped(req).workspaceId, req.body));
}
