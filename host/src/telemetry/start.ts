import { startTelemetry, type Telemetry } from '@neonhub/telemetry';
import type { Logger } from 'pino';
import { HOST_API_VERSION } from '../version.js';

/**
 * Starts OpenTelemetry for `neonhub start` when the environment asks for it (OTEL_EXPORTER_OTLP_ENDPOINT or
 * NEONHUB_TELEMETRY), before the host boots so every call is traced; logs where spans go.
 */
export function startHostTelemetry(logger: Logger, env: Record<string, string | undefined> = process.env): Telemetry {
  const telemetry = startTelemetry({ serviceName: env.OTEL_SERVICE_NAME || 'neonhub', serviceVersion: HOST_API_VERSION, env });
  if (telemetry.mode !== 'off') logger.info({ mode: telemetry.mode }, 'OpenTelemetry tracing on');
  return telemetry;
}
