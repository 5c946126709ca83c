import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import * as addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its function arrives as the default export's default.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default: { default?: AddFormats } & AddFormats }).default.default ??
  (addFormatsModule as unknown as { default: AddFormats }).default) as AddFormats;

export interface SchemaIssue {
  path: string;
  message: string;
}

export type Validator = (value: unknown) => { ok: true } | { ok: false; issues: SchemaIssue[] };

/** One Ajv instance for the host: JSON Schemas are compiled once, when a tool is registered. */
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: false, validateFormats: true });
addFormats(ajv);

function toIssues(errors: ErrorObject[] | null | undefined): SchemaIssue[] {
  return (errors ?? []).slice(0, 20).map((e) => ({
    path: e.instancePath || '/',
    message:
      e.keyword === 'additionalProperties'
        ? `unknown property ${String((e.params as { additionalProperty?: string }).additionalProperty)}`
        : (e.message ?? 'invalid'),
  }));
}

/** Compiles a JSON Schema into a validator; an absent schema accepts anything. */
export function compileValidator(schema: Record<string, unknown> | undefined): Validator {
  if (!schema) return () => ({ ok: true });
  const { $schema: _ignored, ...rest } = schema;
  const fn: ValidateFunction = ajv.compile(rest);
  return (value) => (fn(value) ? { ok: true } : { ok: false, issues: toIssues(fn.errors) });
}
