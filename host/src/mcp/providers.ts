import type { GetPromptResult, Prompt, ReadResourceResult, Resource, ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import type { Role } from '@neonhub/schemas';
import type { RegisteredTool } from '../registry.js';

/** Who is connected: a token (HTTP) or the local operator (stdio). */
export interface McpPrincipal {
  /** Stable id: the token id, or `local-operator`. Sessions are bound to it. */
  id: string;
  type: 'token' | 'user';
  role: Role;
  name?: string;
}

/** What a provider sees of the session asking. */
export interface ProviderContext {
  workspace: { id: string; slug: string };
  principal: McpPrincipal;
  enabledPlugins: readonly string[];
  /** Callable tools of the workspace, with their MCP names. */
  tools: ReadonlyMap<string, RegisteredTool>;
}

/**
 * Adds resources to workspaces' MCP servers (the memory plugin, content drafts, ...). A provider
 * with a `pluginId` is active only where that plugin is enabled. `read` returns undefined for a
 * URI that is not its own, so providers can share a scheme.
 */
export interface ResourceProvider {
  id: string;
  pluginId?: string;
  list(ctx: ProviderContext): Promise<Resource[]> | Resource[];
  templates?(ctx: ProviderContext): Promise<ResourceTemplate[]> | ResourceTemplate[];
  read(uri: string, ctx: ProviderContext): Promise<ReadResourceResult['contents'] | undefined> | ReadResourceResult['contents'] | undefined;
}

/**
 * Adds prompts beyond the text templates of manifests (e.g. prompts with images or embedded
 * resources). Names are local to the plugin; the gateway names them like tools (`plugin__name`).
 * `get` is called only with the required arguments present.
 */
export interface PromptProvider {
  id: string;
  pluginId: string;
  list(ctx: ProviderContext): Promise<Prompt[]> | Prompt[];
  get(name: string, args: Record<string, string>, ctx: ProviderContext): Promise<GetPromptResult | undefined> | GetPromptResult | undefined;
}

/** The providers of one gateway; register returns an unregister function. */
export function createProviderRegistry() {
  const resources = new Map<string, ResourceProvider>();
  const prompts = new Map<string, PromptProvider>();
  const active = <P extends { pluginId?: string }>(all: Iterable<P>, enabled: readonly string[]) =>
    [...all].filter((p) => p.pluginId === undefined || enabled.includes(p.pluginId));
  return {
    registerResourceProvider(provider: ResourceProvider): () => void {
      resources.set(provider.id, provider);
      return () => void resources.delete(provider.id);
    },
    registerPromptProvider(provider: PromptProvider): () => void {
      prompts.set(provider.id, provider);
      return () => void prompts.delete(provider.id);
    },
    resourceProviders: (enabled: readonly string[]) => active(resources.values(), enabled),
    promptProviders: (enabled: readonly string[]) => active(prompts.values(), enabled) as PromptProvider[],
  };
}

export type ProviderRegistry = ReturnType<typeof createProviderRegistry>;
