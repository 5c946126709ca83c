import type { PluginManifest } from '@neonhub/schemas';
import type { HostConfig } from './config.js';

export interface EffectiveLimits {
  /** One start attempt (spawn + MCP handshake + tool listing); attempt n waits this × 2^(n-1), at most × 8. */
  startTimeoutMs: number;
  /** Largest result one call may send back (bytes). */
  resultMaxBytes: number;
}

/** The most a retry multiplies the start timeout by. */
export const MAX_START_TIMEOUT_FACTOR = 8;

/** A plugin's limits: the admin's NEONHUB_PLUGIN_LIMITS entry, else the manifest's `limits`, else the host's defaults. */
export function pluginLimits(
  config: Pick<HostConfig, 'pluginLimits' | 'pluginStartTimeoutMs' | 'resultMaxBytes'>,
  manifest: PluginManifest,
): EffectiveLimits {
  const admin = config.pluginLimits[manifest.id] ?? {};
  return {
    startTimeoutMs: admin.startTimeoutMs ?? manifest.limits?.startTimeoutMs ?? config.pluginStartTimeoutMs,
    resultMaxBytes: admin.resultMaxBytes ?? manifest.limits?.resultMaxBytes ?? config.resultMaxBytes,
  };
}

/** The start timeout of the n-th attempt (n >= 1): doubled per failed attempt, capped at MAX_START_TIMEOUT_FACTOR. */
export function attemptTimeout(baseMs: number, attempt: number): number {
  return baseMs * Math.min(MAX_START_TIMEOUT_FACTOR, 2 ** Math.max(0, attempt - 1));
}
