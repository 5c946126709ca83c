import type { Logger } from 'pino';
import type { CallTool } from '../pipeline/call-tool.js';
import type { ToolRegistry } from '../registry.js';
import { createDescriptorCache } from './descriptors.js';
import type { McpNaming } from './names.js';
import { createProviderRegistry, type McpPrincipal, type PromptProvider, type ResourceProvider } from './providers.js';
import { createWorkspaceMcpServer, type WorkspaceMcpServer } from './server.js';

/** What the gateway needs of workspaces: the host's WorkspaceAccess satisfies it. */
export interface GatewayWorkspaces {
  resolve(slugOrId: string): Promise<{ id: string; slug: string }>;
  isEnabled(workspaceId: string, pluginId: string): boolean | Promise<boolean>;
  /** Faster than isEnabled over every loaded plugin, when the workspace service has it. */
  enabledPlugins?(workspaceId: string): Promise<string[]> | string[];
}

export interface McpGatewayDeps {
  registry: ToolRegistry;
  callTool: CallTool;
  workspaces: GatewayWorkspaces;
  logger: Logger;
  /** Naming per workspace (default `qualified` everywhere). */
  naming?(workspace: { id: string; slug: string }): McpNaming;
}

/**
 * The MCP side of a host: makes per-session workspace servers that share one descriptor cache and
 * one set of resource/prompt providers, and tracks the live ones so that a change of a
 * workspace's plugins reaches every connected client.
 */
export function createMcpGateway(deps: McpGatewayDeps) {
  const providers = createProviderRegistry();
  const descriptors = createDescriptorCache();
  const live = new Set<WorkspaceMcpServer>();

  const enabledPlugins = async (workspaceId: string): Promise<string[]> => {
    if (deps.workspaces.enabledPlugins) return [...(await deps.workspaces.enabledPlugins(workspaceId))];
    const ids = deps.registry.plugins().map((p) => p.manifest.id);
    const flags = await Promise.all(ids.map((id) => deps.workspaces.isEnabled(workspaceId, id)));
    return ids.filter((_, i) => flags[i]);
  };

  /** Tells every connected session of the workspace that its tools (and prompts, resources) changed. */
  const notifyToolsChanged = async (workspaceId: string): Promise<void> => {
    const targets = [...live].filter((m) => m.workspace.id === workspaceId);
    await Promise.all(
      targets.map((m) =>
        m.notifyToolsChanged().catch((err) => deps.logger.debug({ err, workspace: m.workspace.slug }, 'list_changed not delivered')),
      ),
    );
  };

  return {
    registerResourceProvider: (p: ResourceProvider) => providers.registerResourceProvider(p),
    registerPromptProvider: (p: PromptProvider) => providers.registerPromptProvider(p),
    enabledPlugins,

    /** A new MCP server for one session of `principal` in `workspace`; call `release` when the session ends. */
    open(workspace: { id: string; slug: string }, principal: McpPrincipal): WorkspaceMcpServer & { release(): void } {
      const mcp = createWorkspaceMcpServer({
        registry: deps.registry,
        callTool: deps.callTool,
        workspace,
        principal,
        enabledPlugins: () => enabledPlugins(workspace.id),
        naming: deps.naming?.(workspace) ?? 'qualified',
        providers,
        descriptors,
        logger: deps.logger,
      });
      live.add(mcp);
      return { ...mcp, release: () => void live.delete(mcp) };
    },

    /** Tells every connected session of the workspace that its tools (and prompts, resources) changed. */
    notifyToolsChanged,

    /** Tells every connected session of a workspace where the plugin is enabled that its tools (prompts, resources) changed. */
    async notifyPluginToolsChanged(pluginId: string): Promise<void> {
      const workspaces = [...new Set([...live].map((m) => m.workspace.id))];
      const flags = await Promise.all(workspaces.map(async (id) => (await enabledPlugins(id)).includes(pluginId)));
      await Promise.all(workspaces.filter((_, i) => flags[i]).map(notifyToolsChanged));
    },

    async notifyResourceUpdated(workspaceId: string, uri: string): Promise<void> {
      const targets = [...live].filter((m) => m.workspace.id === workspaceId);
      await Promise.all(targets.map((m) => m.notifyResourceUpdated(uri).catch(() => {})));
    },

    liveCount: () => live.size,
  };
}

export type McpGateway = ReturnType<typeof createMcpGateway>;
