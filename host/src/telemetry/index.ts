export { registerMetricsRoute } from './metrics-route.js';
export { startHostTelemetry } from './start.js';
export { describeCallSpan, observeToolCall, rejectCall } from './tool-calls.js';
