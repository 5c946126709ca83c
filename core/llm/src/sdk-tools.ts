import { jsonSchema, type Tool, type ToolSet, tool } from 'ai';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { llmErrors } from './errors.js';
import { createToolNameMap } from './tool-names.js';
import type { LlmTool } from './types.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false, useDefaults: true }));
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    // `$schema` may name draft-07 or 2020-12; the 2020 vocabulary covers what tool schemas use.
    const { $schema: _ignored, ...rest } = schema;
    try {
      v = ajv.compile(rest);
    } catch (cause) {
      throw llmErrors.create('NH_LLM_BAD_REQUEST', `a tool input schema does not compile: ${(cause as Error).message}`, { cause });
    }
    compiled.set(schema, v);
  }
  return v;
}

/** Validates a tool's input the way the model sees the error: one readable line per problem. */
export function validateToolInput(
  schema: Record<string, unknown>,
  value: unknown,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const validate = validatorFor(schema);
  const copy = value === undefined ? {} : structuredClone(value);
  if (validate(copy)) return { ok: true, value: copy };
  const message = (validate.errors ?? []).map((e) => `${e.instancePath || '(input)'} ${e.message ?? 'is invalid'}`).join('; ');
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
