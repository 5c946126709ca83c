import { defineErrors } from '@neonhub/schemas';

/** Errors raised by `@neonhub/telemetry`. */
export const telemetryErrors = defineErrors({
  NH_TELEMETRY_CONFIG_INVALID: {
    status: 500,
    category: 'user',
    description: 'NEONHUB_TELEMETRY names no known mode (off, otlp, console, memory, external); fix the variable and start again.',
  },
});
