import type { Tool, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { SideEffect, ToolDefinition } from '@neonhub/schemas';
import type { RegisteredTool } from '../registry.js';

/** `_meta` keys the gateway sets on listed tools. */
export const TOOL_META_QUALIFIED = 'neonhub/tool';
export const TOOL_META_SIDE_EFFECT = 'neonhub/sideEffect';

/**
 * MCP annotations from a NeonHub side effect. `none`/`read`: read-only. `write` changes NeonHub's
 * own data (a draft, a setting), reversible inside NeonHub: not read-only, not destructive.
 * `external` reaches outside (send, post, charge): destructive and open-world, so clients confirm it.
 */
export function annotationsFor(sideEffect: SideEffect): ToolAnnotations {
  switch (sideEffect) {
    case 'none':
      return { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
    case 'read':
      return { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
    case 'write':
      return { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false };
    case 'external':
      return { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true };
  }
}

function objectSchema(schema: Record<string, unknown>): Tool['inputSchema'] {
  // MCP requires `type: "object"`; every other keyword ($schema, $defs, additionalProperties, ...) is kept as declared.
  return (schema.type === 'object' ? schema : { type: 'object', ...schema }) as Tool['inputSchema'];
}

function convert(tool: RegisteredTool, mcpName: string): Tool {
  const d: ToolDefinition = tool.definition;
  return {
    name: mcpName,
    description: d.description,
    inputSchema: objectSchema(d.inputSchema),
    ...(d.outputSchema ? { outputSchema: objectSchema(d.outputSchema) as Tool['outputSchema'] } : {}),
    annotations: annotationsFor(d.sideEffect),
    _meta: { [TOOL_META_QUALIFIED]: tool.qualifiedName, [TOOL_META_SIDE_EFFECT]: d.sideEffect },
  };
}

/**
 * MCP descriptors, converted once per tool version and MCP name. The key is the registered
 * definition object: the registry creates a new one whenever a plugin is (re)loaded, i.e. whenever
 * its lock hash can change, so a cached descriptor is never stale and entries of unloaded plugins
 * are garbage-collected with their definitions (SDK issue #2838: converting per request is slow).
 */
export function createDescriptorCache() {
  const cache = new WeakMap<ToolDefinition, Map<string, Tool>>();
  return {
    get(tool: RegisteredTool, mcpName: string): Tool {
      let byName = cache.get(tool.definition);
      if (!byName) {
        byName = new Map();
        cache.set(tool.definition, byName);
      }
      let descriptor = byName.get(mcpName);
      if (!descriptor) {
        descriptor = convert(tool, mcpName);
        byName.set(mcpName, descriptor);
      }
      return descriptor;
    },
  };
}

export type DescriptorCache = ReturnType<typeof createDescriptorCache>;
