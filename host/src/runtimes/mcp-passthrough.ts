import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  ErrorCode,
  McpError,
  type Prompt,
  type Resource,
  type ResourceTemplate,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import { hostErrors } from '../errors.js';
import type { McpPassthrough } from './types.js';

/** How long one resources/prompts request to an outside server may take. */
const REQUEST_TIMEOUT_MS = 30_000;

async function allPages<T>(fetchPage: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string | undefined }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await fetchPage(cursor);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && ++pages < 100);
  return out;
}

/**
 * Resources and prompts of an outside MCP server, read through its current client. A failure of
 * the server is NH_PLUGIN_UNAVAILABLE; its own protocol errors (unknown URI, bad arguments) keep
 * their MCP error, so the gateway can answer them as the server did.
 */
export function createMcpPassthrough(
  pluginId: string,
  client: () => Promise<Client> | Client,
  capabilities: () => ServerCapabilities | undefined,
): McpPassthrough {
  const caps = (c: Client) => c.getServerCapabilities() ?? {};
  const guard = async <T>(what: string, run: (c: Client) => Promise<T>): Promise<T> => {
    const c = await client();
    try {
      return await run(c);
    } catch (err) {
      if (err instanceof McpError && err.code !== ErrorCode.ConnectionClosed && err.code !== ErrorCode.RequestTimeout) throw err;
      throw hostErrors.create('NH_PLUGIN_UNAVAILABLE', `plugin ${pluginId} did not answer ${what}: ${(err as Error).message}`, {
        details: { plugin: pluginId },
        cause: err,
      });
    }
  };
  const opts = { timeout: REQUEST_TIMEOUT_MS };
  return {
    hasResources: () => Boolean(capabilities()?.resources),
    hasPrompts: () => Boolean(capabilities()?.prompts),
    listResources: () =>
      guard('resources/list', async (c) =>
        caps(c).resources
          ? allPages<Resource>(async (cursor) => {
              const r = await c.listResources(cursor ? { cursor } : {}, opts);
              return { items: r.resources, nextCursor: r.nextCursor };
            })
          : [],
      ),
    listResourceTemplates: () =>
      guard('resources/templates/list', async (c) =>
        caps(c).resources
          ? allPages<ResourceTemplate>(async (cursor) => {
              const r = await c.listResourceTemplates(cursor ? { cursor } : {}, opts);
              return { items: r.resourceTemplates, nextCursor: r.nextCursor };
            })
          : [],
      ),
    readResource: (uri) => guard('resources/read', async (c) => (await c.readResource({ uri }, opts)).contents),
    listPrompts: () =>
      guard('prompts/list', async (c) =>
        caps(c).prompts
          ? allPages<Prompt>(async (cursor) => {
              const r = await c.listPrompts(cursor ? { cursor } : {}, opts);
              return { items: r.prompts, nextCursor: r.nextCursor };
            })
          : [],
      ),
    getPrompt: (name, args) => guard('prompts/get', (c) => c.getPrompt({ name, arguments: args }, opts)),
  };
}
