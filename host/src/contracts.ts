import {
  type Contract,
  type ContractProviders,
  ContractSchema,
  contractTools,
  ownToolFor,
  type PluginManifest,
  providesContract,
} from '@neonhub/schemas';
import { hostErrors } from './errors.js';

/**
 * Which enabled plugin provides a contract in a workspace (docs/plugin-authors.md, "Contracts"): the host, core and
 * the console (through GET /api/workspaces/:ws/contracts) reach policy, approvals, consent, memory, content, the
 * calendar and campaigns through it, never by a plugin's id or tool name.
 */
export interface ContractResolver {
  /** The enabled plugin providing `contract` in the workspace, or undefined; two of them is NH_CONTRACT_AMBIGUOUS. */
  provider(workspaceId: string, contract: Contract): Promise<string | undefined>;
  /** Every contract's provider in the workspace, with its qualified tools; one two enabled plugins provide reads as none. */
  providers(workspaceId: string): Promise<ContractProviders>;
  /** Whether a plugin's manifest declares it provides `contract`. */
  provides(pluginId: string, contract: Contract): boolean;
  /**
   * The qualified tool (`plugin:tool`) serving the contract's tool `name` in the workspace, or undefined when no
   * enabled plugin provides the contract.
   */
  tool(workspaceId: string, contract: Contract, name: string): Promise<{ plugin: string; tool: string } | undefined>;
}

export function createContractResolver(deps: {
  enabledPlugins(workspaceId: string): Promise<readonly string[]>;
  manifest(pluginId: string): PluginManifest | undefined;
}): ContractResolver {
  const provides = (pluginId: string, contract: Contract) => providesContract(deps.manifest(pluginId)?.provides, contract);

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

  /**
   * Each contract's provider, per contract: one that two enabled plugins provide reads as none here (the console
   * then offers that one contract's pages as missing and names both plugins), while a call that needs it still
   * fails with NH_CONTRACT_AMBIGUOUS. The others are unaffected.
   */
  async function providers(workspaceId: string): Promise<ContractProviders> {
    const out: Partial<ContractProviders> = {};
    const enabled = await deps.enabledPlugins(workspaceId);
    for (const contract of ContractSchema.options) {
      const found = enabled.filter((id) => provides(id, contract));
      const plugin = found.length === 1 ? found[0] : undefined;
      const manifest = plugin ? deps.manifest(plugin) : undefined;
      out[contract] = plugin && manifest ? { plugin, tools: contractTools(contract, manifest) } : null;
    }
    return out as ContractProviders;
  }

  async function tool(workspaceId: string, contract: Contract, name: string) {
    const plugin = await provider(workspaceId, contract);
    const own = plugin ? ownToolFor(deps.manifest(plugin)?.provides, contract, name) : undefined;
    return plugin && own ? { plugin, tool: `${plugin}:${own}` } : undefined;
  }

  return { provider, providers, provides, tool };
}
