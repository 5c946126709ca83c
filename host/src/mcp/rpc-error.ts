import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import type { NeonHubError } from '@neonhub/schemas';
import { MCP_NAME_SEPARATOR, parseMcpName } from './names.js';

/**
 * A JSON-RPC error as the SDK's Protocol sends it: `{ code, message, data }` from the thrown value. Unlike the
 * SDK's McpError, the message is not prefixed with `MCP error <code>:`; the client adds that prefix once when
 * it turns the response back into an McpError (throwing McpError here made clients show it twice).
 */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

/** `CODE: message` as an invalid-params error, the code also in `data.code`. */
export const invalidParams = (code: string, message: string, details?: unknown) =>
  new RpcError(ErrorCode.InvalidParams, `${code}: ${message}`, { code, ...(details === undefined ? {} : { details }) });

/**
 * The tools/call answer for a name that is no tool of this workspace, in MCP's terms: tools are
 * `<plugin-id>__<tool_name>` here (the pipeline's own messages say `plugin-id:tool_name`, the CLI's form).
 */
export function unknownToolError(mcpName: string, workspace: string, err?: Pick<NeonHubError, 'code' | 'message'>): RpcError {
  const colon = /^([a-z0-9-]+):([A-Za-z0-9_.-]+)$/.exec(mcpName);
  const hint = colon
    ? `MCP tool names use ${MCP_NAME_SEPARATOR}, not ":": call ${colon[1]}${MCP_NAME_SEPARATOR}${colon[2]}`
    : `tools are named <plugin-id>${MCP_NAME_SEPARATOR}<tool_name>; tools/list shows the workspace's tools`;
  if (err?.code === 'NH_TOOL_NOT_ENABLED') {
    const plugin = parseMcpName(mcpName)?.pluginId ?? 'its plugin';
    return invalidParams(
      err.code,
      `${mcpName} is not enabled in workspace ${workspace}: an admin enables it with \`neonhub plugin enable ${plugin} --workspace ${workspace}\``,
    );
  }
  if (err?.code === 'NH_TOOL_QUARANTINED') return invalidParams(err.code, err.message);
  return invalidParams(err?.code ?? 'NH_TOOL_NOT_FOUND', `no tool ${mcpName} in workspace ${workspace} (${hint})`);
}
