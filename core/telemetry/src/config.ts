import { telemetryErrors } from './errors.js';

/** Where traces (and, with OTLP, metrics) go. `off` registers nothing: @opentelemetry/api stays a no-op. */
export type TelemetryMode = 'off' | 'otlp' | 'console' | 'memory' | 'external';

export const TELEMETRY_MODES: readonly TelemetryMode[] = ['off', 'otlp', 'console', 'memory', 'external'];

/**
 * NEONHUB_TELEMETRY wins when set (`off` turns everything off even with an endpoint; `external` means a
 * provider was registered outside NeonHub, e.g. by `node --import @opentelemetry/auto-instrumentations-node/register`).
 * Otherwise an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) turns OTLP on.
 * OTEL_SDK_DISABLED=true is honoured as off.
 */
export function telemetryMode(env: Record<string, string | undefined>): TelemetryMode {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return 'off';
  const chosen = env.NEONHUB_TELEMETRY?.trim().toLowerCase();
  if (chosen) {
    if ((TELEMETRY_MODES as readonly string[]).includes(chosen)) return chosen as TelemetryMode;
    throw telemetryErrors.create('NH_TELEMETRY_CONFIG_INVALID', `NEONHUB_TELEMETRY=${chosen} is not one of ${TELEMETRY_MODES.join(', ')}`, {
      details: { value: chosen, modes: TELEMETRY_MODES },
    });
  }
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()) return 'otlp';
  return 'off';
}
