/**
 * MCP names. NeonHub names a tool `plugin-id:tool_name`; `:` is not legal in an MCP tool name
 * (letters, digits, `_`, `-`, `.`), so the gateway exposes `plugin-id__tool_name`. Plugin ids are
 * lowercase kebab-case and never contain `_`, so the first `__` is always the boundary and the
 * mapping is reversible. Prompts of a plugin are named the same way.
 */
export const MCP_NAME_SEPARATOR = '__';

/** How a workspace's tools and prompts are named over MCP. `bare` drops the plugin prefix where the name is unique. */
export type McpNaming = 'qualified' | 'bare';

export function toMcpName(pluginId: string, name: string): string {
  return `${pluginId}${MCP_NAME_SEPARATOR}${name}`;
}

/** `agent-seo__analyze_page` -> { pluginId: 'agent-seo', name: 'analyze_page' }; undefined when there is no separator. */
export function parseMcpName(mcpName: string): { pluginId: string; name: string } | undefined {
  const i = mcpName.indexOf(MCP_NAME_SEPARATOR);
  if (i <= 0 || i + MCP_NAME_SEPARATOR.length >= mcpName.length) return undefined;
  return { pluginId: mcpName.slice(0, i), name: mcpName.slice(i + MCP_NAME_SEPARATOR.length) };
}

/** `agent-seo__analyze_page` -> `agent-seo:analyze_page`. */
export function qualifiedFromMcpName(mcpName: string): string | undefined {
  const parsed = parseMcpName(mcpName);
  return parsed ? `${parsed.pluginId}:${parsed.name}` : undefined;
}

/**
 * Assigns MCP names to a set of (plugin, name) items. `qualified`: always `plugin__name`.
 * `bare`: the plain name when no other item has it, `plugin__name` for the colliding ones.
 */
export function assignNames<T extends { pluginId: string; name: string }>(items: readonly T[], naming: McpNaming): Map<string, T> {
  const out = new Map<string, T>();
  if (naming === 'bare') {
    const counts = new Map<string, number>();
    for (const item of items) counts.set(item.name, (counts.get(item.name) ?? 0) + 1);
    for (const item of items) out.set(counts.get(item.name) === 1 ? item.name : toMcpName(item.pluginId, item.name), item);
  } else {
    for (const item of items) out.set(toMcpName(item.pluginId, item.name), item);
  }
  return out;
}
