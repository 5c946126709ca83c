import type { ToolDefinition } from '@neonhub/schemas';
import { z } from 'zod';
import type { ToolSpec } from './types.js';

/** JSON Schema of a zod schema, as it appears in manifests and over MCP. */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** The manifest entry a tool defined in code corresponds to. */
export function toolDefinitionOf(tool: ToolSpec): ToolDefinition {
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: toJsonSchema(tool.input, 'input'),
    outputSchema: toJsonSchema(tool.output, 'output'),
    sideEffect: tool.sideEffect,
    ...(tool.timeoutMs === undefined ? {} : { timeoutMs: tool.timeoutMs }),
  };
}
