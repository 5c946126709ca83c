import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { CallRecord, CallTool } from '../pipeline/call-tool.js';
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

const CALL_LEVEL: Record<CallRecord['status'], LoggingLevel> = {
  ok: 'debug',
  pending_approval: 'notice',
  denied: 'warning',
  error: 'error',
};
const CALL_EVENT: Record<CallRecord['status'], string> = {
  ok: 'tool_call_succeeded',
  pending_approval: 'approval_held',
  denied: 'tool_call_denied',
  error: 'tool_call_failed',
};

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

    /**
     * A finished call of a workspace, as a log message to its sessions (each sends it at or above its level): a failure
     * is `error`, a denial `warning`, a call held for approval `notice`, a success `debug`.
     */
    logToolCall(record: CallRecord): void {
      const targets = [...live].filter((m) => m.workspace.id === record.workspaceId);
      if (targets.length === 0) return;
      const level: LoggingLevel = CALL_LEVEL[record.status];
      const data = {
        event: CALL_EVENT[record.status],
        tool: record.tool,
        callId: record.callId,
        actor: { type: record.actor.type, id: record.actor.id },
        durationMs: Math.round(record.durationMs),
        ...(record.errorCode ? { code: record.errorCode } : {}),
      };
      for (const m of targets)
        m.log(level, data).catch((err) => deps.logger.debug({ err, workspace: m.workspace.slug }, 'MCP log message not delivered'));
    },

    liveCount: () => live.size,
  };
}

export type McpGateway = ReturnType<typeof createMcpGateway>;
