import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  type LoggingLevel,
  LoggingLevelSchema,
  ReadResourceRequestSchema,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { isNeonHubError } from '@neonhub/schemas';
import type { Logger } from 'pino';
import { hostErrors } from '../errors.js';
import type { CallTool } from '../pipeline/call-tool.js';
import type { RegisteredTool, ToolRegistry } from '../registry.js';
import { markStep } from '../telemetry/marks.js';
import { HOST_API_VERSION } from '../version.js';
import { createDescriptorCache, type DescriptorCache } from './descriptors.js';
import { assignNames, type McpNaming, qualifiedFromMcpName } from './names.js';
import { passthroughPromptProviders, passthroughResourceProviders } from './passthrough.js';
import { getPrompt, manifestPromptEntries, namePrompts, type PromptEntry, providerPromptEntries } from './prompts.js';
import { createProviderRegistry, type McpPrincipal, type ProviderContext, type ProviderRegistry } from './providers.js';
import { aboutResourceProvider } from './resources.js';
import { errorResult, okResult, pendingApprovalResult, queuedResult } from './results.js';
import { invalidParams, RpcError, unknownToolError } from './rpc-error.js';

/** `_meta` key of a tools/call request carrying an idempotency key (reuse it when retrying). */
export const REQUEST_META_IDEMPOTENCY = 'neonhub/idempotencyKey';

/** Pipeline errors meaning "no such tool here": answered as the MCP error for invalid params. */
const UNKNOWN_TOOL_CODES = new Set(['NH_TOOL_NOT_FOUND', 'NH_TOOL_NOT_ENABLED', 'NH_TOOL_QUARANTINED']);

export interface WorkspaceMcpServerDeps {
  registry: ToolRegistry;
  callTool: CallTool;
  workspace: { id: string; slug: string };
  /** Plugin ids enabled in the workspace, read on every listing and call (enablement changes apply at once). */
  enabledPlugins(): Promise<string[]> | string[];
  principal: McpPrincipal;
  /** `qualified` (default): `plugin__tool`. `bare`: plain names where unique (see docs/mcp.md). */
  naming?: McpNaming;
  /** Shared across the servers of a gateway; each server makes its own when absent. */
  providers?: ProviderRegistry;
  descriptors?: DescriptorCache;
  logger?: Logger;
}

export interface WorkspaceMcpServer {
  server: Server;
  workspace: { id: string; slug: string };
  principal: McpPrincipal;
  /** Sends notifications/tools/list_changed and prompts/list_changed (a plugin was enabled or disabled). */
  notifyToolsChanged(): Promise<void>;
  /** Sends notifications/resources/updated when the session subscribed to the URI. */
  notifyResourceUpdated(uri: string): Promise<void>;
  /**
   * Sends notifications/message when the session asked for this level or a lower one (logging/setLevel); nothing
   * before it asks. Resolves whether it was sent.
   */
  log(level: LoggingLevel, data: unknown): Promise<boolean>;
}

/** RFC 5424 severities in the order the MCP spec lists them (debug lowest). */
const SEVERITY = new Map(LoggingLevelSchema.options.map((level, i) => [level, i]));

const defaultDescriptors = createDescriptorCache();

/** What a workspace's MCP server says of itself in `initialize` (also answered early by `neonhub mcp`, cli/mcp-early.ts). */
export function workspaceServerIdentity(slug: string) {
  return {
    serverInfo: { name: `neonhub-${slug}`, title: `NeonHub workspace ${slug}`, version: HOST_API_VERSION },
    capabilities: {
      tools: { listChanged: true },
      prompts: { listChanged: true },
      resources: { subscribe: true, listChanged: true },
      // no `completions`: no prompt argument or resource template variable of NeonHub's has values to offer (docs/mcp.md)
      logging: {},
    },
    instructions: `NeonHub workspace "${slug}". Tools are named <plugin-id>__<tool_name>; a result may say a call awaits approval. Read ${`neonhub://workspace/${slug}/about`} for the enabled plugins.`,
  };
}

/**
 * One workspace as an MCP server (the low-level SDK `Server`: tool schemas are JSON Schema
 * already). Lists exactly the workspace's enabled, non-quarantined tools; every tools/call goes
 * through the host's call pipeline with the principal as actor.
 */
export function createWorkspaceMcpServer(deps: WorkspaceMcpServerDeps): WorkspaceMcpServer {
  const { registry, workspace, principal } = deps;
  const naming = deps.naming ?? 'qualified';
  const providers = deps.providers ?? createProviderRegistry();
  const descriptors = deps.descriptors ?? defaultDescriptors;
  const about = aboutResourceProvider(registry);
  const actor = { type: principal.type, id: principal.id, role: principal.role };
  const subscriptions = new Set<string>();
  /** The session's logging level (logging/setLevel); undefined = the client never asked, so nothing is sent. */
  let logLevel: LoggingLevel | undefined;

  const identity = workspaceServerIdentity(workspace.slug);
  const server = new Server(identity.serverInfo, { capabilities: identity.capabilities, instructions: identity.instructions });

  const enabled = async () => [...(await deps.enabledPlugins())];
  const toolsByName = (ids: string[]) => assignNames(registry.toolsOf(ids), naming);
  const context = async (): Promise<ProviderContext> => {
    const ids = await enabled();
    return { workspace, principal, enabledPlugins: ids, tools: toolsByName(ids) };
  };

  async function resolveTool(mcpName: string): Promise<RegisteredTool> {
    if (naming === 'qualified') {
      const qualified = qualifiedFromMcpName(mcpName);
      if (!qualified) throw unknownToolError(mcpName, workspace.slug);
      try {
        return registry.get(qualified); // enablement is checked by the pipeline (NH_TOOL_NOT_ENABLED)
      } catch (err) {
        if (isNeonHubError(err) && UNKNOWN_TOOL_CODES.has(err.code)) throw unknownToolError(mcpName, workspace.slug, err);
        throw err;
      }
    }
    const tool = toolsByName(await enabled()).get(mcpName);
    if (!tool) throw unknownToolError(mcpName, workspace.slug);
    return tool;
  }

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const tools = [];
    for (const [name, tool] of toolsByName(await enabled())) tools.push(descriptors.get(tool, name));
    return { tools };
  });

  server.setRequestHandler(CallToolRequestSchema, async (req): Promise<CallToolResult> => {
    markStep('mcp.dispatch');
    const tool = await resolveTool(req.params.name);
    const hasOutputSchema = tool.definition.outputSchema !== undefined;
    // The pipeline authorizes the call (the principal's role and the tool's side effect): the same rule as REST.
    const key = req.params._meta?.[REQUEST_META_IDEMPOTENCY];
    try {
      const result = await deps.callTool({
        workspace,
        tool: tool.qualifiedName,
        input: req.params.arguments ?? {},
        actor,
        ...(typeof key === 'string' && key.length > 0 ? { idempotencyKey: key } : {}),
      });
      if (result.status === 'pending_approval') return pendingApprovalResult(result, hasOutputSchema);
      if (result.status === 'queued') return queuedResult(result, hasOutputSchema);
      markStep('pipeline.returned');
      return okResult(result.output, hasOutputSchema, result.callId);
    } catch (err) {
      if (isNeonHubError(err)) {
        if (UNKNOWN_TOOL_CODES.has(err.code)) throw unknownToolError(req.params.name, workspace.slug, err);
        return errorResult(err, hasOutputSchema);
      }
      deps.logger?.error({ err, tool: tool.qualifiedName, workspace: workspace.slug }, 'MCP tool call failed unexpectedly');
      return errorResult(hostErrors.create('NH_INTERNAL', 'an unexpected error occurred; the host log has the details'), hasOutputSchema);
    }
  });

  const promptEntries = async (): Promise<Map<string, PromptEntry>> => {
    const ctx = await context();
    const fromManifests = ctx.enabledPlugins.flatMap((id) => {
      const manifest = registry.plugin(id)?.manifest;
      return manifest ? manifestPromptEntries(manifest) : [];
    });
    const fromProviders = await providerPromptEntries(
      [...providers.promptProviders(ctx.enabledPlugins), ...passthroughPromptProviders(registry, ctx.enabledPlugins, deps.logger)],
      ctx,
    );
    return namePrompts([...fromManifests, ...fromProviders], naming);
  };

  server.setRequestHandler(ListPromptsRequestSchema, async () => ({
    prompts: [...(await promptEntries())].map(([name, entry]) => ({ ...entry.prompt, name })),
  }));

  server.setRequestHandler(GetPromptRequestSchema, async (req) => {
    const entry = (await promptEntries()).get(req.params.name);
    if (!entry)
      throw invalidParams(
        'NH_MCP_PROMPT_NOT_FOUND',
        `no prompt ${req.params.name} in workspace ${workspace.slug} (prompts/list shows them)`,
      );
    try {
      return await getPrompt(req.params.name, entry, req.params.arguments ?? {});
    } catch (err) {
      if (isNeonHubError(err)) throw invalidParams(err.code, err.message, err.details);
      throw err;
    }
  });

  // outside MCP servers' own resources (under neonhub-plugin://<id>/) and prompts, for enabled plugins only
  const resourceProviders = (ids: readonly string[]) => [
    about,
    ...providers.resourceProviders(ids),
    ...passthroughResourceProviders(registry, ids, deps.logger),
  ];

  server.setRequestHandler(ListResourcesRequestSchema, async () => {
    const ctx = await context();
    const lists = await Promise.all(resourceProviders(ctx.enabledPlugins).map((p) => p.list(ctx)));
    return { resources: lists.flat() };
  });

  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => {
    const ctx = await context();
    const lists = await Promise.all(resourceProviders(ctx.enabledPlugins).map((p) => p.templates?.(ctx) ?? []));
    return { resourceTemplates: lists.flat() };
  });

  server.setRequestHandler(ReadResourceRequestSchema, async (req) => {
    const ctx = await context();
    for (const provider of resourceProviders(ctx.enabledPlugins)) {
      const contents = await provider.read(req.params.uri, ctx);
      if (contents) return { contents };
    }
    // -32002 is the spec's "resource not found".
    throw new RpcError(-32002, `NH_MCP_RESOURCE_NOT_FOUND: no resource ${req.params.uri} in workspace ${workspace.slug}`, {
      code: 'NH_MCP_RESOURCE_NOT_FOUND',
      uri: req.params.uri,
    });
  });

  server.setRequestHandler(SubscribeRequestSchema, async (req) => {
    subscriptions.add(req.params.uri);
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, async (req) => {
    subscriptions.delete(req.params.uri);
    return {};
  });
  // The session's level (the SDK validated it against the spec's levels): the workspace's events at or above it are sent.
  server.setRequestHandler(SetLevelRequestSchema, async (req) => {
    logLevel = req.params.level;
    return {};
  });

  return {
    server,
    workspace,
    principal,
    async notifyToolsChanged() {
      await server.sendToolListChanged();
      await server.sendPromptListChanged();
      await server.sendResourceListChanged();
    },
    async notifyResourceUpdated(uri: string) {
      if (subscriptions.has(uri)) await server.sendResourceUpdated({ uri });
    },
    async log(level, data) {
      if (logLevel === undefined || SEVERITY.get(level)! < SEVERITY.get(logLevel)!) return false;
      await server.sendLoggingMessage({ level, logger: 'neonhub', data });
      return true;
    },
  };
}
