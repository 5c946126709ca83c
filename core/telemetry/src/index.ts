export { TELEMETRY_MODES, type TelemetryMode, telemetryMode } from './config.js';
export { telemetryErrors } from './errors.js';
export {
  createNeonhubMetrics,
  type MetricsOptions,
  type NeonhubMetrics,
  neonhubMetrics,
  PROMETHEUS_CONTENT_TYPE,
  type ToolCallMetric,
  type ToolCallMetricStatus,
} from './metrics.js';
export { type StartTelemetryOptions, startTelemetry, type Telemetry } from './start.js';
export { DURATION_BUCKETS_MS } from './tool-call-aggregate.js';
export { ATTR, isTracing, neonhubTracer, TRACER_NAME, traceRunStep, traceToolCall, withSpan } from './tracing.js';
