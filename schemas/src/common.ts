import { z } from 'zod';

/** A plugin id: lowercase, kebab-case, e.g. `agent-seo`. */
export const PluginIdSchema = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'plugin ids are lowercase kebab-case, e.g. agent-seo');

/** A tool name inside a plugin: snake_case, MCP-legal. */
export const ToolNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-zA-Z][a-zA-Z0-9_-]*$/, 'tool names start with a letter and use letters, digits, _ or -');

/** `<pluginId>:<toolName>`, the name a tool has everywhere in NeonHub. */
export const QualifiedToolNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*:[a-zA-Z][a-zA-Z0-9_-]*$/, 'qualified tool names look like plugin-id:tool_name');

export const SemverSchema = z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/, 'a semver version such as 1.2.3');

export const SlugSchema = z
  .string()
  .min(2)
  .max(48)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'slugs are lowercase letters, digits and dashes');

/** A JSON Schema object, as carried in manifests and MCP. */
export const JsonSchemaObjectSchema = z.record(z.string(), z.unknown()).refine((s) => s.type === undefined || s.type === 'object', {
  message: 'tool input and output schemas must describe an object (type: "object")',
});
