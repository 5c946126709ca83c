import { definePlugin, type PluginDefinition } from '@neonhub/sdk';
import { createEcoRecorder } from './hook.js';
import { factors } from './tools/factors.js';
import { reportTool } from './tools/report.js';
import { usageSummaryTool } from './tools/usage-summary.js';

export { EcoConfigSchema } from './config.js';
export { ecoErrors } from './errors.js';
export { classifyModel, estimateCall, FACTORS_VERSION, GRID_INTENSITIES, MODEL_CLASSES, SOURCES } from './factors.js';
export { runIdOf } from './hook.js';

/** An eco plugin instance (the default export is one with the real clock; tests pin it). */
export function createEcoPlugin(options: { now?: () => Date } = {}): PluginDefinition {
  const recorder = createEcoRecorder(options.now ?? (() => new Date()));
  return definePlugin({
    id: 'eco',
    tools: [usageSummaryTool(recorder.flush), reportTool(recorder.flush), factors],
    hooks: { afterToolCall: recorder.afterToolCall },
    stop: recorder.flushAll,
  });
}

export default createEcoPlugin();
