import { describeIssues, type ResultsSettings, ResultsSettingsBodySchema } from '@neonhub/schemas';
import { withHost } from '../cli/context.js';
import { out } from '../cli/output.js';
import { hostApi, runningHost } from '../cli/running-host.js';
import { hostErrors } from '../errors.js';
import { resultsSettingsView, saveResultsSettings } from './social-metrics-settings.js';

export interface SettingsOptions {
  workspace: string;
  learning?: string;
  learningEvery?: string;
  learningMetric?: string;
  metrics?: string;
  metricsEvery?: string;
  metricsDays?: string;
  json?: boolean;
}

const onOff = (flag: string, v: string | undefined) => {
  if (v === undefined) return undefined;
  if (v === 'on' || v === 'off') return v === 'on';
  throw hostErrors.create('NH_REQUEST_INVALID', `${flag} takes on or off (got ${v})`);
};
const int = (v: string | undefined) => (v === undefined ? undefined : /^-?\d+$/.test(v) ? Number(v) : v);

/** The options as the API's body: checked by its schema (NH_REQUEST_INVALID names the field and the range). */
function bodyOf(o: SettingsOptions) {
  const raw = {
    learningEnabled: onOff('--learning', o.learning),
    learningEveryMinutes: int(o.learningEvery),
    learningMetric: o.learningMetric,
    metricsEnabled: onOff('--metrics', o.metrics),
    metricsEveryMinutes: int(o.metricsEvery),
    metricsDays: int(o.metricsDays),
  };
  const parsed = ResultsSettingsBodySchema.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
  if (!parsed.success) throw hostErrors.create('NH_REQUEST_INVALID', describeIssues(parsed.error.issues));
  return parsed.data;
}

/**
 * `neonhub results settings -w <slug> [--learning on|off] [--learning-every <min>] [--learning-metric <m>] [--metrics
 * on|off] [--metrics-every <min>] [--metrics-days <n>]`: shows the workspace's results settings, or changes the given
 * ones (an admin's change: the operator is owner of every workspace) and reschedules at once.
 */
export async function settingsCommand(opts: SettingsOptions) {
  const body = bodyOf(opts);
  const change = Object.keys(body).length > 0;
  const params = { ws: opts.workspace };
  const running = runningHost();
  const view: ResultsSettings = running
    ? change
      ? await hostApi(running, 'saveResultsSettings', { params, body })
      : await hostApi(running, 'getResultsSettings', { params })
    : await withHost({ plugins: false, purpose: 'neonhub results settings', quiet: true }, async (host) => {
        const ws = (await host.storage.service.resolveWorkspace(opts.workspace)).id;
        return change ? saveResultsSettings(host, ws, body) : resultsSettingsView(host, ws);
      });
  if (opts.json) return out.json(view);
  const when = (t: string | null) => t ?? 'not scheduled';
  out.line(
    `learning: ${view.learningEnabled ? 'on' : 'off'}, every ${view.learningEveryMinutes} min, by ${view.learningMetric}; next ${when(view.nextLearningAt)}`,
  );
  out.line(
    `social metrics: ${view.metricsEnabled ? 'on' : 'off'}, every ${view.metricsEveryMinutes} min, ${view.metricsDays} days back; next ${when(view.nextPullAt)}`,
  );
}
