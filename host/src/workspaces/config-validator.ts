import type { PluginManifest } from '@neonhub/schemas';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import { hostErrors } from '../errors.js';

// ajv-formats is CommonJS: under NodeNext its function arrives as the default export's default.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default: { default?: AddFormats } & AddFormats }).default.default ??
  (addFormatsModule as unknown as { default: AddFormats }).default) as AddFormats;

export interface ConfigIssue {
  path: string;
  message: string;
}

function issuesOf(errors: ErrorObject[] | null | undefined): ConfigIssue[] {
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

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export type ConfigValidator = (manifest: PluginManifest, config: unknown) => Record<string, unknown>;

/**
 * Validates a plugin's per-workspace config against its manifest's `config` JSON Schema and
 * returns a copy with the schema's defaults filled in. Each manifest's schema is compiled once.
 * A plugin without a config schema takes only `{}`.
 */
export function createConfigValidator(): ConfigValidator {
  const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, validateFormats: true });
  addFormats(ajv);
  const compiled = new WeakMap<PluginManifest, ValidateFunction>();

  function compile(manifest: PluginManifest, schema: Record<string, unknown>): ValidateFunction {
    let fn = compiled.get(manifest);
    if (!fn) {
      const { $schema: _ignored, ...rest } = schema;
      try {
        fn = ajv.compile(rest);
      } catch (err) {
        throw hostErrors.create(
          'NH_MANIFEST_INVALID',
          `plugin ${manifest.id}'s config schema does not compile: ${(err as Error).message}`,
          {
            details: { plugin: manifest.id, issues: [{ path: 'config', message: (err as Error).message }] },
            cause: err,
          },
        );
      }
      compiled.set(manifest, fn);
    }
    return fn;
  }

  return (manifest, config) => {
    if (!isPlainObject(config)) {
      throw hostErrors.create('NH_CONFIG_INVALID', `config for ${manifest.id} must be a JSON object`, {
        details: { plugin: manifest.id, issues: [{ path: '/', message: 'must be object' }] },
      });
    }
    if (!manifest.config) {
      if (Object.keys(config).length === 0) return {};
      throw hostErrors.create('NH_CONFIG_INVALID', `plugin ${manifest.id} takes no config (its manifest declares no config schema)`, {
        details: { plugin: manifest.id, issues: Object.keys(config).map((k) => ({ path: `/${k}`, message: `unknown property ${k}` })) },
      });
    }
    const validate = compile(manifest, manifest.config);
    const copy = structuredClone(config);
    if (!validate(copy)) {
      const issues = issuesOf(validate.errors);
      throw hostErrors.create(
        'NH_CONFIG_INVALID',
        `config for ${manifest.id} is invalid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
        {
          details: { plugin: manifest.id, issues },
        },
      );
    }
    return copy;
  };
}
