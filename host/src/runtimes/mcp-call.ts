import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type CallToolResult, CallToolResultSchema, ErrorCode, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { NeonHubError, type SideEffect, SideEffectSchema, type ToolDefinition, ToolDefinitionSchema } from '@neonhub/schemas';
import {
  ERROR_META_KEY,
  errorPayload,
  SIDE_EFFECT_META_KEY,
  TIMEOUT_META_KEY,
  type ToolErrorPayload,
  ToolErrorPayloadSchema,
} from '@neonhub/sdk/serve';
import type { Logger } from 'pino';
import { hostErrors } from '../errors.js';
import { resultTooLarge, tooLargeData } from './result-limit.js';

/**
 * The side effect of an outside MCP tool, from its annotations: readOnlyHint -> read,
 * openWorldHint -> external, anything else (destructiveHint, no hints) -> write.
 */
export function sideEffectFromAnnotations(annotations: Tool['annotations']): SideEffect {
  if (annotations?.readOnlyHint === true) return 'read';
  if (annotations?.openWorldHint === true) return 'external';
  return 'write';
}

/**
 * Maps a listed MCP tool to a ToolDefinition. `trustNeonHubMeta` (our own isolated server only)
 * reads the exact side effect and timeout from the tool's `_meta`; otherwise annotations decide.
 * Returns undefined for a tool NeonHub cannot represent (e.g. an illegal name).
 */
export function toolDefinitionFromMcp(tool: Tool, trustNeonHubMeta: boolean): ToolDefinition | undefined {
  const meta = trustNeonHubMeta ? tool._meta : undefined;
  const declared = SideEffectSchema.safeParse(meta?.[SIDE_EFFECT_META_KEY]);
  const timeoutMs = meta?.[TIMEOUT_META_KEY];
  const parsed = ToolDefinitionSchema.safeParse({
    name: tool.name,
    description: tool.description || tool.title || tool.name,
    inputSchema: tool.inputSchema,
    ...(tool.outputSchema ? { outputSchema: tool.outputSchema } : {}),
    sideEffect: declared.success ? declared.data : sideEffectFromAnnotations(tool.annotations),
    ...(typeof timeoutMs === 'number' ? { timeoutMs } : {}),
  });
  return parsed.success ? parsed.data : undefined;
}

/** All tools of a server (following pagination), as ToolDefinitions; unrepresentable ones are logged and skipped. */
export async function listMcpTools(
  client: Client,
  opts: { pluginId: string; trustNeonHubMeta: boolean; logger: Logger },
): Promise<ToolDefinition[]> {
  const out: ToolDefinition[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor });
    for (const tool of page.tools) {
      const def = toolDefinitionFromMcp(tool, opts.trustNeonHubMeta);
      if (def) out.push(def);
      else opts.logger.warn({ plugin: opts.pluginId, tool: tool.name }, 'skipping an MCP tool NeonHub cannot represent');
    }
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** NH_TOOL_FAILED for a tool that threw; a thrown NeonHubError's code, message and details go in details. */
export function toolFailed(pluginId: string, tool: string, err: unknown): NeonHubError {
  return fromPayload(pluginId, tool, errorPayload(err), err);
}

/**
 * A plugin's own user error (a bad policy, forbidden, a nested call denied) keeps its code and 4xx
 * status, in-process and isolated alike: the caller must fix something, and a 502 would say the
 * plugin broke. Anything else becomes NH_TOOL_FAILED with the plugin's code in details.
 */
function fromPayload(pluginId: string, tool: string, payload: ToolErrorPayload, cause?: unknown): NeonHubError {
  const { status, category, ...rest } = payload;
  if (payload.code && category === 'user' && status !== undefined && status >= 400 && status < 500) {
    return new NeonHubError(payload.code, payload.message, {
      status,
      category,
      details: { plugin: pluginId, tool, ...(payload.details === undefined ? {} : { pluginDetails: payload.details }) },
      cause,
    });
  }
  return hostErrors.create('NH_TOOL_FAILED', `${pluginId}:${tool} failed: ${payload.message}`, {
    details: { plugin: pluginId, tool, ...rest },
    ...(cause === undefined ? {} : { cause }),
  });
}

export function toolNotFound(pluginId: string, tool: string): NeonHubError {
  return hostErrors.create('NH_TOOL_NOT_FOUND', `plugin ${pluginId} has no tool ${tool}`, { details: { plugin: pluginId, tool } });
}

export function toolTimeout(pluginId: string, tool: string, timeoutMs: number): NeonHubError {
  return hostErrors.create('NH_TOOL_TIMEOUT', `${pluginId}:${tool} did not finish within ${timeoutMs} ms`, {
    details: { plugin: pluginId, tool, timeoutMs },
  });
}

function errorFromResult(pluginId: string, tool: string, result: CallToolResult): NeonHubError {
  const fromMeta = ToolErrorPayloadSchema.safeParse(result._meta?.[ERROR_META_KEY]);
  const text = result.content
    .filter((c) => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
  let payload = fromMeta.success ? fromMeta.data : undefined;
  if (!payload) {
    try {
      const parsed = ToolErrorPayloadSchema.safeParse(JSON.parse(text));
      if (parsed.success) payload = parsed.data;
    } catch {}
  }
  payload ??= { message: text || 'the tool reported an error' };
  return fromPayload(pluginId, tool, payload);
}

/**
 * One tools/call over an MCP client, multiplexed with any others in flight. Maps: timeout ->
 * NH_TOOL_TIMEOUT (the SDK also sends notifications/cancelled), connection closed or not
 * connected -> NH_PLUGIN_UNAVAILABLE, `isError` -> NH_TOOL_FAILED, other protocol errors ->
 * NH_TOOL_FAILED. Returns structuredContent, or `{ content }` when the server sent none.
 */
export async function callMcpTool(
  client: Client,
  call: { pluginId: string; tool: string; input: unknown; timeoutMs: number; meta?: Record<string, unknown> },
): Promise<unknown> {
  let result: CallToolResult;
  try {
    result = (await client.request(
      {
        method: 'tools/call',
        params: {
          name: call.tool,
          arguments: (call.input ?? {}) as Record<string, unknown>,
          ...(call.meta ? { _meta: call.meta } : {}),
        },
      },
      CallToolResultSchema,
      { timeout: call.timeoutMs },
    )) as CallToolResult;
  } catch (err) {
    // the OAuth provider of an mcp-http session said the workspace must connect (first, or again): said as it is
    if (err instanceof NeonHubError && err.code.startsWith('NH_MCP_OAUTH_')) throw err;
    if (err instanceof McpError && err.code === ErrorCode.RequestTimeout) throw toolTimeout(call.pluginId, call.tool, call.timeoutMs);
    const tooLarge = err instanceof McpError ? tooLargeData(err.data) : undefined;
    if (tooLarge) throw resultTooLarge(call.pluginId, call.tool, tooLarge.limitBytes, tooLarge.receivedBytes);
    if (err instanceof McpError && err.code !== ErrorCode.ConnectionClosed)
      throw hostErrors.create('NH_TOOL_FAILED', `${call.pluginId}:${call.tool} failed: ${err.message}`, {
        details: { plugin: call.pluginId, tool: call.tool, mcpCode: err.code, message: err.message },
        cause: err,
      });
    throw hostErrors.create('NH_PLUGIN_UNAVAILABLE', `plugin ${call.pluginId} went away during ${call.tool}`, {
      details: { plugin: call.pluginId, tool: call.tool },
      cause: err,
    });
  }
  if (result.isError) throw errorFromResult(call.pluginId, call.tool, result);
  return result.structuredContent ?? { content: result.content };
}
