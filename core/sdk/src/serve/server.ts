import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CallToolRequestSchema, type CallToolResult, ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { describeIssues, isNeonHubError } from '@neonhub/schemas';
import { sdkErrors } from '../errors.js';
import { toJsonSchema } from '../tool-schema.js';
import type { PluginDefinition, ToolSpec } from '../types.js';
import { buildToolContext, parseCallMeta } from './context.js';
import { annotationsOf, CONTEXT_META_KEY, ERROR_META_KEY, SIDE_EFFECT_META_KEY, TIMEOUT_META_KEY, type ToolErrorPayload } from './meta.js';

export interface ServePluginOptions {
  transport: Transport;
  /** Reported as the server's version in `initialize` (the name is always the plugin id). */
  version?: string;
  /** Hosts `ctx.fetch` may reach when a plain MCP client calls without a NeonHub context. */
  hosts?: readonly string[];
  /** Where the JSON logs of `ctx.logger` go; stderr by default. */
  writeLog?: (line: string) => void;
}

export interface ServedPlugin {
  server: Server;
  close(): Promise<void>;
}

/** The MCP tool listing of a tool, JSON Schema converted once. */
function listingOf(tool: ToolSpec): Tool {
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: toJsonSchema(tool.input, 'input') as Tool['inputSchema'],
    outputSchema: toJsonSchema(tool.output, 'output') as Tool['outputSchema'],
    annotations: annotationsOf(tool.sideEffect),
    _meta: {
      [SIDE_EFFECT_META_KEY]: tool.sideEffect,
      ...(tool.timeoutMs === undefined ? {} : { [TIMEOUT_META_KEY]: tool.timeoutMs }),
    },
  };
}

/** `{ code, message, details }` of anything thrown: a NeonHubError's code, or a Node error's (`ERR_ACCESS_DENIED`, `ENOENT`). */
export function errorPayload(err: unknown): ToolErrorPayload {
  if (isNeonHubError(err)) {
    return {
      code: err.code,
      message: err.message,
      status: err.status,
      category: err.category,
      ...(err.details === undefined ? {} : { details: err.details }),
    };
  }
  const code = (err as { code?: unknown } | null)?.code;
  return { ...(typeof code === 'string' ? { code } : {}), message: err instanceof Error ? err.message : String(err) };
}

/** An `isError` result carrying `{ code, message, details }` both as text and under `_meta["neonhub/error"]`. */
export function errorResult(err: unknown): CallToolResult {
  const payload = errorPayload(err);
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(payload) }], _meta: { [ERROR_META_KEY]: payload } };
}

/**
 * Serves a `definePlugin(...)` definition as an MCP server on `transport`. Tools are listed with
 * their zod schemas as JSON Schema (converted once, here), their side effect as annotations and
 * under `_meta["neonhub/sideEffect"]`. Each call's NeonHub context comes from
 * `_meta["neonhub/context"]`; input is parsed and output validated with the tool's zod schemas.
 */
export async function servePlugin(def: PluginDefinition, opts: ServePluginOptions): Promise<ServedPlugin> {
  const tools = new Map(def.tools.map((t) => [t.name, t]));
  const listing = def.tools.map(listingOf);
  const hosts = opts.hosts ?? [];
  const server = new Server({ name: def.id, version: opts.version ?? '0.0.0' }, { capabilities: { tools: { listChanged: false } } });

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listing }));
  server.setRequestHandler(CallToolRequestSchema, async (req, extra): Promise<CallToolResult> => {
    const tool = tools.get(req.params.name);
    if (!tool) return errorResult(sdkErrors.create('NH_SDK_TOOL_UNKNOWN', `plugin ${def.id} has no tool ${req.params.name}`));
    let meta: ReturnType<typeof parseCallMeta>;
    try {
      meta = parseCallMeta(req.params._meta, hosts);
    } catch (err) {
      return errorResult(
        sdkErrors.create('NH_SDK_INPUT_INVALID', `malformed ${CONTEXT_META_KEY} in _meta: ${(err as Error).message}`, { cause: err }),
      );
    }
    const input = tool.input.safeParse(req.params.arguments ?? {});
    if (!input.success)
      return errorResult(
        sdkErrors.create('NH_SDK_INPUT_INVALID', `input of ${def.id}:${tool.name} is invalid: ${describeIssues(input.error.issues)}`, {
          details: input.error.issues,
        }),
      );
    const ctx = buildToolContext(meta, { pluginId: def.id, tool: tool.name, signal: extra.signal, write: opts.writeLog });
    let out: unknown;
    try {
      out = await tool.run(input.data, ctx);
    } catch (err) {
      return errorResult(err);
    }
    const output = tool.output.safeParse(out);
    if (!output.success)
      return errorResult(
        sdkErrors.create(
          'NH_SDK_OUTPUT_INVALID',
          `output of ${def.id}:${tool.name} does not match its schema: ${describeIssues(output.error.issues)}`,
          {
            details: output.error.issues,
          },
        ),
      );
    const data = output.data as Record<string, unknown>;
    return { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data };
  });

  await server.connect(opts.transport);
  return { server, close: () => server.close() };
}
