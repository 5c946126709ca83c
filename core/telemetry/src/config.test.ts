import type { NeonHubError } from '@neonhub/schemas';
import { describe, expect, it } from 'vitest';
import { telemetryMode } from './config.js';

describe('telemetryMode', () => {
  it('is off unless an OTLP endpoint or NEONHUB_TELEMETRY asks for telemetry', () => {
    expect(telemetryMode({})).toBe('off');
    expect(telemetryMode({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe('otlp');
    expect(telemetryMode({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe('otlp');
    expect(telemetryMode({ NEONHUB_TELEMETRY: 'console' })).toBe('console');
    expect(telemetryMode({ NEONHUB_TELEMETRY: 'Memory' })).toBe('memory');
  });

  it('lets NEONHUB_TELEMETRY=off and OTEL_SDK_DISABLED win over an endpoint', () => {
    expect(telemetryMode({ NEONHUB_TELEMETRY: 'off', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe('off');
    expect(telemetryMode({ OTEL_SDK_DISABLED: 'true', NEONHUB_TELEMETRY: 'memory' })).toBe('off');
  });

  it('refuses an unknown mode with a coded error instead of silently tracing nothing', () => {
    let error: NeonHubError | undefined;
    try {
      telemetryMode({ NEONHUB_TELEMETRY: 'consle' });
    } catch (err) {
      error = err as NeonHubError;
    }
    expect(error?.code).toBe('NH_TELEMETRY_CONFIG_INVALID');
    expect(error?.message).toContain('consle');
  });
});
