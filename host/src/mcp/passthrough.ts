import type { ReadResourceResult, Resource, ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { ToolRegistry } from '../registry.js';
import type { McpPassthrough } from '../runtimes/types.js';
import type { PromptProvider, ResourceProvider } from './providers.js';

/**
 * Outside MCP servers' resources and prompts on the workspace endpoint. Prompts are named like
 * tools (`plugin-id__name`, by the gateway's naming); resource URIs get the prefix
 * `neonhub-plugin://<plugin-id>/` before the server's own URI (templates too), so two servers'
 * URIs never collide and a read goes back to the server that owns the URI.
 */
export const PASSTHROUGH_SCHEME = 'neonhub-plugin';

export const passthroughUri = (pluginId: string, uri: string) => `${PASSTHROUGH_SCHEME}://${pluginId}/${uri}`;

/** `neonhub-plugin://ws-echo/echo://docs/readme` -> { pluginId: 'ws-echo', uri: 'echo://docs/readme' }. */
export function parsePassthroughUri(uri: string): { pluginId: string; uri: string } | undefined {
  const prefix = `${PASSTHROUGH_SCHEME}://`;
  if (!uri.startsWith(prefix)) return undefined;
  const rest = uri.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return undefined;
  return { pluginId: rest.slice(0, slash), uri: rest.slice(slash + 1) };
}

/** The outside servers among `pluginIds` (loaded, with a passthrough), in id order. */
function outside(registry: ToolRegistry, pluginIds: readonly string[]): { id: string; passthrough: McpPassthrough }[] {
  const out: { id: string; passthrough: McpPassthrough }[] = [];
  for (const id of [...pluginIds].sort()) {
    const passthrough = registry.plugin(id)?.runtime.passthrough;
    if (passthrough) out.push({ id, passthrough });
  }
  return out;
}

/** A server that fails to list is left out of the listing (logged), never failing the whole workspace's list. */
async function listed<T>(what: string, pluginId: string, logger: Logger | undefined, run: () => Promise<T[]>): Promise<T[]> {
  try {
    return await run();
  } catch (err) {
    logger?.warn({ err, plugin: pluginId }, `${what} of an outside server failed; it is left out`);
    return [];
  }
}

/** One resource provider per enabled outside server that declares resources. */
export function passthroughResourceProviders(registry: ToolRegistry, pluginIds: readonly string[], logger?: Logger): ResourceProvider[] {
  return outside(registry, pluginIds)
    .filter((s) => s.passthrough.hasResources())
    .map(({ id, passthrough }) => ({
      id: `passthrough:${id}`,
      pluginId: id,
      list: () =>
        listed<Resource>('resources/list', id, logger, async () =>
          (await passthrough.listResources()).map((r) => ({ ...r, uri: passthroughUri(id, r.uri) })),
        ),
      templates: () =>
        listed<ResourceTemplate>('resources/templates/list', id, logger, async () =>
          (await passthrough.listResourceTemplates()).map((t) => ({ ...t, uriTemplate: passthroughUri(id, t.uriTemplate) })),
        ),
      read: async (uri): Promise<ReadResourceResult['contents'] | undefined> => {
        const parsed = parsePassthroughUri(uri);
        if (!parsed || parsed.pluginId !== id) return undefined;
        const contents = await passthrough.readResource(parsed.uri);
        return contents.map((c) => ({ ...c, uri: passthroughUri(id, c.uri) }));
      },
    }));
}

/** One prompt provider per enabled outside server that declares prompts. */
export function passthroughPromptProviders(registry: ToolRegistry, pluginIds: readonly string[], logger?: Logger): PromptProvider[] {
  return outside(registry, pluginIds)
    .filter((s) => s.passthrough.hasPrompts())
    .map(({ id, passthrough }) => ({
      id: `passthrough:${id}`,
      pluginId: id,
      list: () => listed('prompts/list', id, logger, () => passthrough.listPrompts()),
      get: (name, args) => passthrough.getPrompt(name, args),
    }));
}
