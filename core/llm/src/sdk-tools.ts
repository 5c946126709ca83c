import { compileSchema, type Validator } from '@neonhub/json-schema';
import { jsonSchema, type Tool, type ToolSet, tool } from 'ai';
import { llmErrors } from './errors.js';
import { createToolNameMap } from './tool-names.js';
import type { LlmTool } from './types.js';

function validatorFor(schema: Record<string, unknown>): Validator {
  try {
    return compileSchema(schema, { useDefaults: true });
  } catch (cause) {
    throw llmErrors.create('NH_LLM_BAD_REQUEST', `a tool input schema does not compile: ${(cause as Error).message}`, { cause });
  }
}

/** Validates a tool's input the way the model sees the error: one readable line per problem. */
export function validateToolInput(
  schema: Record<string, unknown>,
  value: unknown,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const result = validatorFor(schema)(value === undefined ? {} : value);
  if (result.ok) return result;
  const message = result.issues.map((i) => `${i.path === '/' ? '(input)' : i.path} ${i.message}`).join('; ');
  return { ok: false, message: `invalid tool input: ${message}` };
}

export interface SdkToolSet {
  tools: ToolSet;
  toNeonHub(providerName: string): string;
}

/**
 * Wraps NeonHub tools as `ai` SDK tools under provider-legal names (`plugin__tool`). The SDK
 * validates the model's arguments against the JSON Schema before `execute` (the host's
 * `callTool`) runs; invalid arguments go back to the model as a tool error, never to `execute`.
 */
export function toSdkTools(tools: Record<string, LlmTool> | undefined): SdkToolSet {
  const entries = Object.entries(tools ?? {});
  const names = createToolNameMap(entries.map(([name]) => name));
  const out: Record<string, Tool> = {};
  for (const [name, t] of entries) {
    const schema = t.inputSchema;
    validatorFor(schema);
    out[names.toProvider(name)] = tool({
      description: t.description,
      inputSchema: jsonSchema<unknown>(schema as Parameters<typeof jsonSchema>[0], {
        validate: (value) => {
          const r = validateToolInput(schema, value);
          return r.ok ? { success: true, value: r.value } : { success: false, error: new Error(r.message) };
        },
      }),
      execute: async (input: unknown, { toolCallId, abortSignal }) => t.execute(input, { toolCallId, signal: abortSignal }),
    });
  }
  return { tools: out, toNeonHub: names.toNeonHub };
}
