import { compileSchema, describeSchemaIssues, type SchemaIssue, type Validator } from '@neonhub/json-schema';
import type { PluginManifest } from '@neonhub/schemas';
import { hostErrors } from '../errors.js';

export type ConfigIssue = SchemaIssue;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export type ConfigValidator = (manifest: PluginManifest, config: unknown) => Record<string, unknown>;

/**
 * Validates a plugin's per-workspace config against its manifest's `config` JSON Schema and
 * returns a copy with the schema's defaults filled in. Each manifest's schema is compiled once.
 * A plugin without a config schema takes only `{}`.
 */
export function createConfigValidator(): ConfigValidator {
  const compiled = new WeakMap<PluginManifest, Validator>();

  function compile(manifest: PluginManifest, schema: Record<string, unknown>): Validator {
    let fn = compiled.get(manifest);
    if (!fn) {
      try {
        fn = compileSchema(schema, { useDefaults: true });
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
    const result = compile(manifest, manifest.config)(config);
    if (!result.ok) {
      throw hostErrors.create('NH_CONFIG_INVALID', `config for ${manifest.id} is invalid: ${describeSchemaIssues(result.issues)}`, {
        details: { plugin: manifest.id, issues: result.issues },
      });
    }
    return result.value as Record<string, unknown>;
  };
}
