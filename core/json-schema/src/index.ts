import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as addFormatsModule from 'ajv-formats';

/**
 * The one JSON Schema validator of NeonHub. Tool, config and plan schemas come from zod 4, which emits the
 * 2020-12 dialect (prefixItems, dependentRequired, $defs...), so that is the default; a schema whose `$schema`
 * names draft-07 (outside MCP servers often do) is compiled by a draft-07 engine, so neither dialect's
 * keywords are silently ignored. Every schema is compiled once (cached by identity).
 */

export interface SchemaIssue {
  /** JSON Pointer of the offending value (`/` for the root). */
  path: string;
  message: string;
}

export type ValidationResult = { ok: true; value: unknown } | { ok: false; issues: SchemaIssue[] };

/** Validates a value; with `useDefaults` the returned value is a copy with the schema's defaults filled in. */
export type Validator = (value: unknown) => ValidationResult;

export interface CompileOptions {
  /** Fill in `default`s (on a copy: the input is never mutated). */
  useDefaults?: boolean;
}

// ajv-formats is CommonJS: under NodeNext its function arrives as the default export's default.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default: { default?: AddFormats } & AddFormats }).default.default ??
  (addFormatsModule as unknown as { default: AddFormats }).default) as AddFormats;

const DRAFT_07 = /json-schema\.org\/draft-0[4-7]\/schema/;
const engines = new Map<string, Ajv>();
function engine(draft07: boolean, useDefaults: boolean): Ajv {
  const key = `${draft07 ? '07' : '2020'}:${useDefaults}`;
  let ajv = engines.get(key);
  if (!ajv) {
    const opts = { allErrors: true, strict: false, useDefaults, validateFormats: true };
    ajv = addFormats(draft07 ? new Ajv(opts) : (new Ajv2020(opts) as unknown as Ajv));
    engines.set(key, ajv);
  }
  return ajv;
}

/** Readable issues, at most 20: `unknown property x`, `missing property y`, else Ajv's message. */
export function issuesOf(errors: ErrorObject[] | null | undefined): SchemaIssue[] {
  return (errors ?? []).slice(0, 20).map((e) => ({
    path: e.instancePath || '/',
    message:
      e.keyword === 'additionalProperties'
        ? `unknown property ${String((e.params as { additionalProperty?: string }).additionalProperty)}`
        : e.keyword === 'required'
          ? `missing property ${String((e.params as { missingProperty?: string }).missingProperty)}`
          : (e.message ?? 'invalid'),
  }));
}

/** `path message; path message` for an error message. */
export const describeSchemaIssues = (issues: readonly SchemaIssue[]) => issues.map((i) => `${i.path} ${i.message}`).join('; ');

const cache = [new WeakMap<object, ValidateFunction>(), new WeakMap<object, ValidateFunction>()] as const;

/**
 * Compiles a JSON Schema (once per schema object and option). Throws Ajv's error when the schema itself is
 * invalid: callers turn that into their own coded error (a manifest, a plan, a model's tool).
 */
export function compileSchema(schema: Record<string, unknown>, opts: CompileOptions = {}): Validator {
  const useDefaults = opts.useDefaults === true;
  const byIdentity = cache[useDefaults ? 1 : 0];
  let fn = byIdentity.get(schema);
  if (!fn) {
    const { $schema, ...rest } = schema;
    fn = engine(typeof $schema === 'string' && DRAFT_07.test($schema), useDefaults).compile(rest);
    byIdentity.set(schema, fn);
  }
  const validate = fn;
  return (value) => {
    const subject = useDefaults && value !== null && typeof value === 'object' ? structuredClone(value) : value;
    return validate(subject) ? { ok: true, value: subject } : { ok: false, issues: issuesOf(validate.errors) };
  };
}
