import { definePlugin, type PluginDefinition } from '@neonhub/sdk';
import { createEcoHook } from './hook.js';
import { factors } from './tools/factors.js';
import { report } from './tools/report.js';
import { usageSummary } from './tools/usage-summary.js';

export { EcoConfigSchema } from './config.js';
export { ecoErrors } from './errors.js';
export { classifyModel, estimateCall, FACTORS_VERSION, GRID_INTENSITIES, MODEL_CLASSES, SOURCES } from './factors.js';
export { runIdOf } from './hook.js';

/** An eco plugin instance (the default export is one with the real clock; tests pin it). */
export function createEcoPlugin(options: { now?: () => Date } = {}): PluginDefinition {
  return definePlugin({
    id: 'eco',
    tools: [usageSummary, report, factors],
    hooks: { afterToolCall: createEcoHook(options.now ?? (() => new Date())) },
  });
}

export default createEcoPlugin();
