import { neonhubMetrics } from '@neonhub/telemetry';
import type { Notices } from '../notices.js';
import type { AfterHookWatcher } from './hooks.js';

/**
 * Makes a failing afterToolCall hook visible: `neonhub_hook_failures_total{plugin,event}` counts every failure, and a
 * notice (so `/health` is degraded) stands while the plugin's last after-hook failed — for data-trust that means
 * calls are finishing without an audit entry. The notice clears when the hook succeeds again; the counter stays.
 */
export function watchAfterHooks(notices: Notices): AfterHookWatcher {
  const failures = new Map<string, number>();
  return {
    failed(pluginId, tool, err) {
      const count = (failures.get(pluginId) ?? 0) + 1;
      failures.set(pluginId, count);
      neonhubMetrics().recordHookFailure(pluginId, 'afterToolCall');
      const reason = err instanceof Error ? err.message : String(err);
      notices.raise({
        key: `hook-after:${pluginId}`,
        code: 'NH_HOOK_FAILED',
        plugin: pluginId,
        message: `the afterToolCall hook of ${pluginId} has failed ${count} time(s) in a row (last on ${tool}: ${reason}); the calls it missed are not recorded by it (for data-trust: no audit entry)`,
        details: { failures: count, tool },
      });
    },
    recovered(pluginId) {
      failures.delete(pluginId);
      notices.clear(`hook-after:${pluginId}`);
    },
  };
}
