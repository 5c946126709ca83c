import { PluginManifestSchema } from '@neonhub/schemas';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { attemptTimeout, pluginLimits } from './plugin-limits.js';

const manifest = (limits?: Record<string, number>) =>
  PluginManifestSchema.parse({
    id: 'slow-server',
    version: '1.0.0',
    kind: 'connector',
    description: 'a server',
    host: '^0.2.0',
    runtime: { type: 'mcp-stdio', command: 'node' },
    ...(limits ? { limits } : {}),
  });

describe('plugin limits', () => {
  it('default to 15 s and 4 MiB, or the host-wide variables', () => {
    expect(pluginLimits(loadConfig({}), manifest())).toEqual({ startTimeoutMs: 15_000, resultMaxBytes: 4 * 1024 * 1024 });
    const config = loadConfig({ NEONHUB_PLUGIN_START_TIMEOUT_MS: '30000', NEONHUB_RESULT_MAX_BYTES: '1048576' });
    expect(pluginLimits(config, manifest())).toEqual({ startTimeoutMs: 30_000, resultMaxBytes: 1_048_576 });
  });

  it("take the manifest's limits over the host's, and the admin's NEONHUB_PLUGIN_LIMITS over both", () => {
    expect(pluginLimits(loadConfig({}), manifest({ startTimeoutMs: 60_000 }))).toMatchObject({ startTimeoutMs: 60_000 });
    const admin = loadConfig({ NEONHUB_PLUGIN_LIMITS: '{"slow-server":{"startTimeoutMs":90000,"resultMaxBytes":16777216}}' });
    expect(pluginLimits(admin, manifest({ startTimeoutMs: 60_000, resultMaxBytes: 2048 }))).toEqual({
      startTimeoutMs: 90_000,
      resultMaxBytes: 16_777_216,
    });
  });

  it('refuse malformed settings with NH_CONFIG_ENV_INVALID naming the variable', () => {
    for (const env of [
      { NEONHUB_PLUGIN_LIMITS: '{not json' },
      { NEONHUB_PLUGIN_LIMITS: '{"x":{"startTimeoutMs":"soon"}}' },
      { NEONHUB_PLUGIN_LIMITS: '{"x":{"retries":3}}' },
      { NEONHUB_RESULT_MAX_BYTES: '12' },
      { NEONHUB_PLUGIN_START_TIMEOUT_MS: 'fast' },
    ]) {
      const variable = Object.keys(env)[0]!;
      expect(() => loadConfig(env)).toThrow(
        expect.objectContaining({ code: 'NH_CONFIG_ENV_INVALID', message: expect.stringContaining(variable) }),
      );
    }
    expect(manifest.bind(null, { startTimeoutMs: 10 })).toThrow();
  });

  it('double the start timeout per attempt, at most 8x', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => attemptTimeout(15_000, n))).toEqual([15_000, 30_000, 60_000, 120_000, 120_000, 120_000]);
  });
});
