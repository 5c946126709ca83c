import type { z } from 'zod';
import type { PluginDefinition, ToolSpec } from './types.js';

/** Declares one tool: zod input and output, a side effect and `run`. */
export function defineTool<I extends z.ZodType, O extends z.ZodType>(spec: ToolSpec<I, O>): ToolSpec<I, O> {
  return spec;
}

/** Declares a plugin: `export default definePlugin({ id, tools, hooks })`. */
export function definePlugin(def: PluginDefinition): PluginDefinition {
  const names = new Set<string>();
  for (const t of def.tools) {
    if (names.has(t.name)) throw new Error(`plugin ${def.id}: tool ${t.name} defined twice`);
    names.add(t.name);
  }
  return Object.freeze({ ...def, tools: [...def.tools] });
}
