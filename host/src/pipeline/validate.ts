import { compileSchema, type SchemaIssue } from '@neonhub/json-schema';

export type { SchemaIssue };

export type Validator = (value: unknown) => { ok: true } | { ok: false; issues: SchemaIssue[] };

/** Compiles a tool's JSON Schema once, when the tool is registered; an absent schema accepts anything. */
export function compileValidator(schema: Record<string, unknown> | undefined): Validator {
  if (!schema) return () => ({ ok: true });
  return compileSchema(schema);
}
