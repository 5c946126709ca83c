import { compileSchema, type SchemaIssue, type ValidationResult } from '@neonhub/json-schema';

export type { SchemaIssue };

/** A tool's input or output check: `value` is what the tool runs with (a module plugin's decoded input). */
export type Validator = (value: unknown) => ValidationResult;

/** Compiles a tool's JSON Schema once, when the tool is registered; an absent schema accepts anything. */
export function compileValidator(schema: Record<string, unknown> | undefined): Validator {
  if (!schema) return (value) => ({ ok: true, value });
  return compileSchema(schema);
}
