import { z } from 'zod';
import { JsonSchemaObjectSchema, ToolNameSchema } from './common.js';

/** What a tool does to the world. `external` reaches outside NeonHub (send, post, charge). */
export const SideEffectSchema = z.enum(['none', 'read', 'write', 'external']);
export type SideEffect = z.infer<typeof SideEffectSchema>;

/**
 * Whether a tool declaring this side effect changes nothing (`none`, `read`): a viewer may call it, a run calls it
 * without claiming its step first (so possibly twice), and its plugin store is read-only.
 */
export const changesNothing = (sideEffect: SideEffect | null | undefined): boolean => sideEffect === 'none' || sideEffect === 'read';

/** A tool as declared in a manifest and served over MCP. */
export const ToolDefinitionSchema = z.strictObject({
  name: ToolNameSchema,
  description: z.string().min(1).max(4096),
  inputSchema: JsonSchemaObjectSchema,
  outputSchema: JsonSchemaObjectSchema.optional(),
  sideEffect: SideEffectSchema,
  /** Per-call timeout; the host default applies when absent. */
  timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
});
export type ToolDefinition = z.infer<typeof ToolDefinitionSchema>;
