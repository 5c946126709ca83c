import type { NeonHubError } from '@neonhub/schemas';
import { hostErrors } from '../errors.js';

/**
 * Fail closed: the plugins with hooks (policy, audit, footprint: whatever their manifests declare)
 * that are enabled in the workspace but not loaded now, or an empty list. A call that changes
 * something is refused while any is missing; `missing` comes from the host's startup states, so the
 * host names no plugin here.
 */
export async function missingPolicyPlugins(
  missing: readonly string[],
  isEnabled: (pluginId: string) => boolean | Promise<boolean>,
): Promise<string[]> {
  if (missing.length === 0) return [];
  const enabled = await Promise.all(missing.map((id) => isEnabled(id)));
  return missing.filter((_, i) => enabled[i]);
}

export function policyPluginMissing(tool: string, sideEffect: string, workspace: string, plugins: string[]): NeonHubError {
  const names = plugins.join(', ');
  return hostErrors.create(
    'NH_POLICY_PLUGIN_MISSING',
    `${tool} (side effect "${sideEffect}") was refused: ${plugins.length > 1 ? 'plugins' : 'plugin'} ${names}, enabled in workspace ${workspace}, ${plugins.length > 1 ? 'are' : 'is'} not loaded, so its policy cannot run. Calls that only read still work; see /health for why it did not load`,
    { details: { tool, workspace, plugins, plugin: plugins[0] } },
  );
}
