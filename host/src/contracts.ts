import { type Contract, type ContractProviders, ContractSchema, contractTools, type PluginManifest } from '@neonhub/schemas';
import { hostErrors } from './errors.js';

/**
 * Which enabled plugin provides a contract in a workspace (docs/plugin-authors.md, "Contracts"): the host and core
 * reach policy, approvals and consent through it, never by a plugin's id.
 */
export interface ContractResolver {
  /** The enabled plugin providing `contract` in the workspace, or undefined; two of them is NH_CONTRACT_AMBIGUOUS. */
  provider(workspaceId: string, contract: Contract): Promise<string | undefined>;
  /** Every contract's provider in the workspace, with its qualified tools. */
  providers(workspaceId: string): Promise<ContractProviders>;
  /** Whether a plugin's manifest declares it provides `contract`. */
  provides(pluginId: string, contract: Contract): boolean;
}

export function createContractResolver(deps: {
  enabledPlugins(workspaceId: string): Promise<readonly string[]>;
  manifest(pluginId: string): PluginManifest | undefined;
}): ContractResolver {
  const provides = (pluginId: string, contract: Contract) => deps.manifest(pluginId)?.provides?.includes(contract) ?? false;

  async function provider(workspaceId: string, contract: Contract): Promise<string | undefined> {
    const found = (await deps.enabledPlugins(workspaceId)).filter((id) => provides(id, contract));
    if (found.length > 1)
      throw hostErrors.create(
        'NH_CONTRACT_AMBIGUOUS',
        `plugins ${found.join(', ')} all provide ${contract} in this workspace: disable all but one`,
        { details: { contract, plugins: found } },
      );
    return found[0];
  }

  async function providers(workspaceId: string): Promise<ContractProviders> {
    const out: Partial<ContractProviders> = {};
    for (const contract of ContractSchema.options) {
      const plugin = await provider(workspaceId, contract);
      out[contract] = plugin ? { plugin, tools: contractTools(contract, plugin) } : null;
    }
    return out as ContractProviders;
  }

  return { provider, providers, provides };
}
